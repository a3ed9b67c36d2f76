"""Fixtures of the fuzz tests: a live server whose budgets no fuzz run exhausts, the callers
that send to it, the demo records worth naming, and the record of what was sent and of every
distinct failure seen."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx2
import pytest

from app.cli import DEMO_USERNAME
from app.demo import DEMO_PASSWORD
from app.settings import Profile
from tests.databases import Template
from tests.fuzz.operations import Request, Samples
from tests.ops.conftest import Serve, serve
from tests.ops.servers import LiveServer

__all__ = ["serve"]

FUZZED_ENVIRONMENT = {
    # The rate limit has tests of its own; here it must not end the run early.
    "RATE_LIMIT_POINTS": "100000000",
    # Fuzzed sign-ins fail by the hundred from one address: no lockout of it, and no wait.
    "LOGIN_FAILURES_PER_ADDRESS": "100000000",
    "LOGIN_SLOWDOWN_SECONDS": "0",
}
ADMINISTRATOR = "the administrator"
READ_ONLY = "a READ_ONLY user"
ANONYMOUS = "an anonymous caller"
FORGED = "a caller with a forged token"
# Long enough for any honest answer; a server that stalls is a failure found, not a hang,
# and after a few of them the run stops.
ANSWER_TIMEOUT_SECONDS = 20
STALLS_TOLERATED = 3
SIGN_IN = """mutation SignIn($username: String!, $password: String!) {
  login(username: $username, password: $password) { token }
}"""
# Every kind of record an input names by a natural key, read from the demo data.
RECORDS = """{
  leads(first: 100) { nodes {
    id number
    status { id name alternativeCode } type { id name alternativeCode }
    category { id name code } lostReason { id name alternativeCode }
    privacyLevel { id name alternativeCode } subscriptionPackage { id name alternativeCode }
    ownedByGroup { id name alternativeCode } leadOwner { id username }
    assignedTo { user { id username } unit { id name alternativeCode } }
    contactInformation { id demographics { idNumber passportNumber } }
    accountsReceivable { id number name }
    leadSource {
      ... on CommunicationSource { communication { id number } }
      ... on NotificationSource { notification { id number } }
    }
    competitorsSet { competitor { id name } }
    productsSet {
      product { id code alternativeCode } productType { id name alternativeCode }
      productFamily { id name code } productBrand { id name }
    }
  } }
  leadTypes { id name alternativeCode } leadStatuses { id name alternativeCode }
  lostReasons { id name alternativeCode } competitors { id name }
  products { id code alternativeCode } users { id username }
  groups { id name alternativeCode } units { id name alternativeCode }
}"""


@dataclass(frozen=True)
class Caller:
    """Who sends a request: the Authorization header, and the user who signs in again when a
    request would sign that header's token out."""

    name: str
    authorization: str | None
    username: str | None = None


@dataclass
class Finding:
    """One distinct failure: the kinds of request that showed it, and the shortest of them
    with its caller and answer."""

    problem: str
    request: Request
    caller: str
    answer: str
    kinds: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        kinds = ", ".join(f"{kind} ({seen})" for kind, seen in self.kinds.most_common())
        return (
            f"- {self.problem}, after: {kinds}\n"
            f"    e.g. from {self.caller}: {self.request.summary(1500)}\n"
            f"    answered: {self.answer}"
        )


@dataclass
class Fuzz:
    """A live server, its callers, and what was sent to it and found wrong."""

    server: LiveServer
    profile: Profile
    client: httpx2.Client
    callers: dict[str, Caller]
    samples: Samples
    sent: Counter[str] = field(default_factory=Counter)
    findings: dict[str, Finding] = field(default_factory=dict)

    def sign_in(self, username: str) -> str:
        body = {"query": SIGN_IN, "variables": {"username": username, "password": DEMO_PASSWORD}}
        answer = self.client.post("/graphql", json=body).json()
        token = (answer.get("data") or {}).get("login", {}).get("token")
        assert isinstance(token, str), f"{username} cannot sign in: {answer}"
        return token

    def send(self, request: Request, caller: Caller, accept: str | None) -> httpx2.Response | None:
        """The server's answer to the request, counted; None when it gave none in time."""
        self.sent["valid" if request.valid else "invalid"] += 1
        self.sent[caller.name] += 1
        headers = {"content-type": request.content_type} if request.method == "POST" else {}
        if accept is not None:
            headers["accept"] = accept
        authorization = caller.authorization
        if caller.username is not None and "logout" in request.text:
            authorization = f"Bearer {self.sign_in(caller.username)}"
        if authorization is not None:
            headers["authorization"] = authorization
        try:
            return self.client.request(
                request.method,
                "/graphql",
                content=request.content if request.method == "POST" else None,
                params=request.params,
                headers=headers,
            )
        except httpx2.TimeoutException:
            self.sent["no answer in time"] += 1
            assert self.sent["no answer in time"] < STALLS_TOLERATED, self.report()
            return None

    def found(self, problem: str, request: Request, caller: Caller, answer: str) -> None:
        """Note a failure, keeping the shortest request that showed it."""
        finding = self.findings.get(problem)
        if finding is None or len(request.text) < len(finding.request.text):
            kinds = Counter() if finding is None else finding.kinds
            finding = self.findings[problem] = Finding(problem, request, caller.name, answer, kinds)
        finding.kinds[request.kind] += 1

    def report(self) -> str:
        findings = sorted(self.findings.values(), key=lambda finding: finding.problem)
        return f"{len(findings)} distinct failures:\n" + "\n".join(f.describe() for f in findings)


def keyed_strings(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a JSON value, with the key of the object entry that holds it (or
    holds the list it is in)."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from keyed_strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from keyed_strings(item, key)


def _samples(records: object) -> dict[str, list[str]]:
    """The strings of the records by their key: the natural keys that inputs take."""
    found: dict[str, set[str]] = {}
    for key, text in keyed_strings(records):
        found.setdefault(key, set()).add(text)
    return {key: sorted(texts) for key, texts in found.items()}


@pytest.fixture
def fuzz(serve: Serve, template: Template, request: pytest.FixtureRequest) -> Iterator[Fuzz]:
    """A live server over the demo data, in the profile the test asks for (`indirect`
    parametrization; development by default), and the administrator, a READ_ONLY user, an
    anonymous caller and one with a forged token to fuzz it."""
    profile = Profile(getattr(request, "param", Profile.DEVELOPMENT))
    server = serve(PROFILE=profile.value, **FUZZED_ENVIRONMENT)
    with httpx2.Client(base_url=server.url, timeout=ANSWER_TIMEOUT_SECONDS) as client:
        administrator = f"Bearer {template.token}"
        records = client.post(
            "/graphql", json={"query": RECORDS}, headers={"authorization": administrator}
        ).json()
        assert "errors" not in records, records
        fuzz = Fuzz(server, profile, client, {}, _samples(records["data"]))
        viewer = f"Bearer {fuzz.sign_in('viewer.main')}"
        callers = [
            Caller(ADMINISTRATOR, administrator, DEMO_USERNAME),
            Caller(READ_ONLY, viewer, "viewer.main"),
            Caller(ANONYMOUS, None),
            Caller(FORGED, "Bearer forged-4bd5be3e2d0c"),
        ]
        fuzz.callers = {caller.name: caller for caller in callers}
        yield fuzz
