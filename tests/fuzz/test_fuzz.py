"""Fuzzing a live server with operations generated from the schema (hypothesis-graphql), valid
and broken, sent by the administrator, a READ_ONLY user, an anonymous caller and a forged
token: whatever the server answers, it answers below 500, in JSON, and tells nothing of its
insides (no traceback, no SQL, no file path, no Python message; in production, no hint at the
schema either).

Each test sends all its examples to one server and notes every distinct failure, so that one
run lists them all, each with the shortest request that showed it. Every batch of examples
is seeded by what it sends and who sends it, so that the next run sends the same requests
(but for the opaque ids of the demo records) and finds the same failures.
"""

import json
import re
import zlib

import httpx2
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from app.settings import Profile
from tests.fuzz.broken import BREAKERS, WAYS, invalid_requests, schema_violations
from tests.fuzz.conftest import (
    ADMINISTRATOR,
    ANONYMOUS,
    FORGED,
    READ_ONLY,
    Caller,
    Fuzz,
    keyed_strings,
)
from tests.fuzz.operations import Request, valid_requests
from tests.ops.logs import json_lines

GRAPHQL_RESPONSE = "application/graphql-response+json"
ACCEPTS = [None, "application/json", GRAPHQL_RESPONSE, f"{GRAPHQL_RESPONSE}, application/json"]
FUZZING = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
# Valid operations by each caller: most by the one whose operations run deepest.
VALID_EXAMPLES = {ADMINISTRATOR: 150, READ_ONLY: 70, ANONYMOUS: 55, FORGED: 55}
# Invalid ones by each caller alike: each breaker's share split among its ways (one example
# at least for each), and hypothesis-graphql's own.
INVALID_EXAMPLES_PER_BREAKER = 8
SCHEMA_VIOLATION_EXAMPLES = 12
# What an answer must never tell: each a pattern and what its match means. One that the
# request itself holds (a value the answer may echo) does not count.
INSIDES = {
    "a traceback": re.compile(r'Traceback|File "'),
    "SQL": re.compile(
        r"\bSELECT\s|\bINSERT INTO\b|\bUPDATE\s+\S+\s+SET\b|(?i:sqlalchemy|asyncpg|sqlite3)"
    ),
    "a file path": re.compile(r"\w\.py\b|/work\b|site-packages"),
    "a Python message": re.compile(
        r"object has no attribute|NoneType|KeyError|IndexError|maximum recursion"
        r"|unexpected keyword|takes \d+ positional|<class '"
    ),
}
# What an answer of the production profile must not tell either.
SCHEMA_HINTS = {"a hint at the schema": re.compile(r"Did you mean")}


def problems(request: Request, response: httpx2.Response | None, profile: Profile) -> list[str]:
    """What is wrong with the answer to a request, whatever the server refuses and how."""
    if response is None:
        return ["no answer in time"]
    found = []
    if response.status_code >= 500:
        found.append(f"HTTP {response.status_code}")
    media_type = response.headers.get("content-type", "")
    if "json" not in media_type:
        found.append(f"an answer of {media_type or 'no media type'}, not JSON")
    else:
        found += _graphql_problems(response)
    sent, answered = readable(request.text), readable(response.text)
    hidden = {**INSIDES, **(SCHEMA_HINTS if profile is Profile.PRODUCTION else {})}
    for insides, pattern in hidden.items():
        match = pattern.search(answered)
        if match and not pattern.search(sent):
            found.append(f"{insides}: {match.group()!r}")
    return found


def readable(text: str) -> str:
    """The text and, when it is JSON, every string in it unescaped (a traceback's `File "`
    is `File \\"` in JSON)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return text
    return "\n".join([text, *(string for _, string in keyed_strings(value))])


def _graphql_problems(response: httpx2.Response) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return ["an answer labelled JSON that is no JSON"]
    if not (isinstance(body, dict) and ("data" in body or "errors" in body)):
        return ["JSON that is no GraphQL response"]
    codes = {(error.get("extensions") or {}).get("code") for error in body.get("errors") or []}
    return (
        ["an unexpected error (INTERNAL_SERVER_ERROR)"] if "INTERNAL_SERVER_ERROR" in codes else []
    )


def exchange(fuzz: Fuzz, request: Request, caller: Caller, accept: str | None) -> None:
    """Send the request, noting whatever is wrong with its answer."""
    response = fuzz.send(request, caller, accept)
    answer = "none" if response is None else f"HTTP {response.status_code} {response.text[:600]}"
    for problem in problems(request, response, fuzz.profile):
        fuzz.found(problem, request, caller, answer)


def run(
    fuzz: Fuzz, label: str, requests: st.SearchStrategy[Request], caller: str, examples: int
) -> None:
    """Send `examples` requests drawn from `requests` by the caller, from a seed of the label
    and the caller: each run draws its own requests, the same in every test run."""

    @seed(zlib.crc32(f"{label} by {caller}".encode()))
    @settings(FUZZING, max_examples=examples)
    @given(request=requests, accept=st.sampled_from(ACCEPTS))
    def send(request: Request, accept: str | None) -> None:
        exchange(fuzz, request, fuzz.callers[caller], accept)

    send()


def _exception_lines(text: str) -> list[str]:
    lines = text.splitlines()
    return [
        next((later for later in lines[at + 1 :] if later and not later[0].isspace()), line)
        for at, line in enumerate(lines)
        if line.startswith("Traceback")
    ]


def logged_failures(fuzz: Fuzz) -> list[str]:
    """The exception line of each traceback the server logged, once it stopped: in its text
    lines, or in the `exception` of its JSON lines (production)."""
    fuzz.server.stop()
    stdout, stderr = fuzz.server.stdout.read_text(), fuzz.server.stderr.read_text()
    if fuzz.profile is Profile.PRODUCTION:
        logged = [line.get("exception", "") for line in json_lines(stdout)]
    else:
        logged = [stdout]
    return [failure for text in [*logged, stderr] for failure in _exception_lines(text)]


def assert_nothing_found(fuzz: Fuzz) -> None:
    """Fail with every distinct failure noted, and each traceback the server logged."""
    logged = logged_failures(fuzz)
    if fuzz.findings or logged:
        report = fuzz.report() + "".join(f"\n- the server logged: {line}" for line in logged)
        pytest.fail(report, pytrace=False)


QUERY = Request.operation("query", "{ me { id } }")


@pytest.mark.parametrize(
    ("status", "media_type", "body", "profile", "expected"),
    [
        pytest.param(
            200, "application/json", b'{"data": {"me": null}}', Profile.PRODUCTION, [], id="fine"
        ),
        pytest.param(
            500,
            "text/plain",
            b"Internal Server Error",
            Profile.DEVELOPMENT,
            ["HTTP 500", "an answer of text/plain, not JSON"],
            id="plain-500",
        ),
        pytest.param(
            400,
            "application/json",
            b'{"errors": [{"message": "maximum recursion depth exceeded"}]}',
            Profile.DEVELOPMENT,
            ["a Python message: 'maximum recursion'"],
            id="python-message",
        ),
        pytest.param(
            200,
            GRAPHQL_RESPONSE,
            b'{"data": null, "errors": [{"message": "Unexpected error.",'
            b' "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}',
            Profile.DEVELOPMENT,
            ["an unexpected error (INTERNAL_SERVER_ERROR)"],
            id="masked",
        ),
        pytest.param(
            200,
            "application/json",
            b'{"errors": [{"message": "(sqlite3.OperationalError) near SELECT x FROM t,'
            b' File \\"/work/main/app/db.py\\""}]}',
            Profile.DEVELOPMENT,
            ["a traceback: 'File \"'", "SQL: 'sqlite3'", "a file path: '/work'"],
            id="leaks",
        ),
        pytest.param(
            200,
            "application/json",
            b'{"errors": [{"message": "Did you mean \'lead\'?"}]}',
            Profile.PRODUCTION,
            ["a hint at the schema: 'Did you mean'"],
            id="hint-in-production",
        ),
        pytest.param(
            200,
            "application/json",
            b'{"errors": [{"message": "Did you mean \'lead\'?"}]}',
            Profile.DEVELOPMENT,
            [],
            id="hint-in-development",
        ),
        pytest.param(
            200,
            "application/json",
            b"[1]",
            Profile.DEVELOPMENT,
            ["JSON that is no GraphQL response"],
            id="not-graphql",
        ),
        pytest.param(
            200,
            "application/json",
            b"{",
            Profile.DEVELOPMENT,
            ["an answer labelled JSON that is no JSON"],
            id="broken-json",
        ),
    ],
)
def test_problems_name_what_an_answer_must_not_be(
    status: int, media_type: str, body: bytes, profile: Profile, expected: list[str]
) -> None:
    # When an answer is judged, then each thing wrong with it is named
    response = httpx2.Response(status, headers={"content-type": media_type}, content=body)

    assert problems(QUERY, response, profile) == expected


def test_what_the_request_sent_may_come_back() -> None:
    # Given a request whose value looks like SQL
    request = Request.operation("query", '{ contacts(search: "SELECT 1") { id } }')
    response = httpx2.Response(
        200, json={"errors": [{"message": "No contact matches 'SELECT 1'."}]}
    )

    # Then an answer that echoes it is no leak
    assert problems(request, response, Profile.DEVELOPMENT) == []


def test_valid_operations_get_answers_that_tell_nothing_of_the_insides(fuzz: Fuzz) -> None:
    # Given a live server over the demo data

    # When hypothesis-graphql's valid queries and mutations are sent by each caller
    for caller, examples in VALID_EXAMPLES.items():
        run(fuzz, "valid", valid_requests(fuzz.samples), caller, examples)

    # Then enough were valid, and none had an answer that failed
    assert fuzz.sent["valid"] >= 300, fuzz.sent
    assert_nothing_found(fuzz)


@pytest.mark.parametrize("fuzz", [Profile.DEVELOPMENT, Profile.PRODUCTION], indirect=True)
def test_invalid_operations_get_answers_that_tell_nothing_of_the_insides(fuzz: Fuzz) -> None:
    # Given a live server over the demo data, in either profile

    # When valid operations broken in every way, and hypothesis-graphql's operations with one
    # violation of the schema, are sent by each caller
    for caller in fuzz.callers:
        for breaker, how in WAYS:
            examples = max(1, INVALID_EXAMPLES_PER_BREAKER // len(BREAKERS[breaker]))
            run(fuzz, how, invalid_requests(fuzz.samples, breaker, how), caller, examples)
        violations = schema_violations(fuzz.samples)
        run(fuzz, "schema violations", violations, caller, SCHEMA_VIOLATION_EXAMPLES)

    # Then enough were invalid, and none had an answer that failed
    assert fuzz.sent["invalid"] >= 300, fuzz.sent
    assert_nothing_found(fuzz)
