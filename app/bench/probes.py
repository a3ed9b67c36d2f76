"""What the bench asks the product and the baseline: the kinds of read request (a GraphQL
document and the baseline's path for the same answer, and who sends them), how each side's
answer is checked, and signing in.
"""

from dataclasses import dataclass
from typing import Any

import httpx2

from app.bench import baseline
from app.bench.figures import WorkloadFailedError
from app.domain.leads.queries import MAX_PAGE_SIZE, encode_cursor

ADMINISTRATOR = "MPAdministrator"
SALES_USER = "sales.main"
PASSWORD = "demo"
# The lead type the overdue list is filtered by.
OVERDUE_TYPE = "New Customer"
# The contract's largest page (`first` at most 100): a page of 500 is refused, not timed.
REFUSED_PAGE = 500

# A lead with about 25 fields, which the baseline answers; the statement-count test
# (tests/graphql/test_statement_counts.py) reads pages of it.
LEAD_SELECTION = """
number lifeCycleState targetAmount
status { name lifeCycleState }
type { name defaultCategory { name } }
category { name }
contactInformation { name demographics { idNumber } }
accountsReceivable { number accountOwner { name } }
leadSource {
  __typename
  ... on WebsiteSource { type name }
  ... on AdvertisementSource { type name }
  ... on CommunicationSource { type communication { number contactInformation { name } } }
  ... on NotificationSource { type notification { number contactInformation { name } } }
  ... on EmployeeRecommendation { type user { username } }
  ... on ContactRecommendation { type contact { name } }
  ... on CustomSource { type kind name }
}
assignedTo { user { username unit { name } } unit { name } }
ownedByGroup { name }
privacyLevel { name }
leadOwner { username }
subscriptionPackage { name }
lostReason { name }
usersSet { user { username } }
competitorsSet { competitor { name } }
servicesSet {
  product { code productType { name } }
  productType { name } productFamily { name } productBrand { name }
}
physicalGoodsSet { product { code productType { name } } productType { name } }
productsSet { product { code } productType { name } productFamily { name } productBrand { name } }
logInformation {
  createdDate updatedDate
  createdByUser { username } createdByUnit { name }
  updatedByUser { username } updatedByUnit { name }
}
estimatedCompletionTime { value unit }
timeToCompletion { value unit }
timeOverdue { value unit }
"""
# A page without the list's count: what a client walking the cursors asks for each page.
UNCOUNTED_PAGE_SELECTION = (
    f"pageInfo {{ hasNextPage endCursor }} edges {{ cursor }} nodes {{ {LEAD_SELECTION} }}"
)
PAGE_SELECTION = f"totalCount {UNCOUNTED_PAGE_SELECTION}"
LOGIN = "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
Client = httpx2.Client | httpx2.AsyncClient


@dataclass(frozen=True)
class Probe:
    """One kind of request: the product's GraphQL document, the baseline's path for the same
    answer, and who sends both (None: nobody signed in)."""

    name: str
    document: str
    path: str
    user: str | None = ADMINISTRATOR

    def product(self, client: Client, token: str | None) -> httpx2.Request:
        """The product's request."""
        return client.build_request(
            "POST", "/graphql", json={"query": self.document}, headers=bearer(token)
        )

    def baseline(self, client: Client, token: str | None) -> httpx2.Request:
        """The baseline's request."""
        return client.build_request("GET", self.path, headers=bearer(token))


def bearer(token: str | None) -> dict[str, str]:
    """The headers that sign a request in with `token` (none without one)."""
    return {} if token is None else {"authorization": f"Bearer {token}"}


def _counted(counted: bool) -> tuple[str, str, str]:
    """The page selection, the baseline's parameter and the name's ending for a page with
    (or without) its list's count."""
    if counted:
        return PAGE_SELECTION, "", ""
    return UNCOUNTED_PAGE_SELECTION, "&total=0", ", no totalCount"


def page(
    first: int, user: str = ADMINISTRATOR, name: str | None = None, *, counted: bool = True
) -> Probe:
    """The first `first` leads that `user` may see."""
    selection, parameter, ending = _counted(counted)
    return Probe(
        name or f"page of {first}{ending}",
        f"{{ leads(first: {first}) {{ {selection} }} }}",
        f"{baseline.PREFIX}leads?first={first}{parameter}",
        user,
    )


def one_lead(number: str) -> Probe:
    """The lead numbered `number`."""
    return Probe(
        "lead by number",
        f'{{ lead(ref: {{number: "{number}"}}) {{ {LEAD_SELECTION} }} }}',
        f"{baseline.PREFIX}leads/{number}",
    )


ME = Probe("me", "{ me { username } }", baseline.ME_PATH)
TYPENAME = Probe("__typename", "{ __typename }", baseline.TYPENAME_PATH, user=None)


def deep_page(first: int, after_number: int, *, counted: bool = True) -> Probe:
    """The `first` leads after the lead numbered `after_number`, by cursor."""
    cursor = encode_cursor(after_number)
    selection, parameter, ending = _counted(counted)
    return Probe(
        f"page of {first} after a deep cursor{ending}",
        f'{{ leads(first: {first}, after: "{cursor}") {{ {selection} }} }}',
        f"{baseline.PREFIX}leads?first={first}&after={cursor}{parameter}",
    )


def overdue_page(first: int, type_name: str = OVERDUE_TYPE, *, counted: bool = True) -> Probe:
    """The first `first` overdue leads of the lead type named `type_name`."""
    selection, parameter, ending = _counted(counted)
    return Probe(
        f"overdue {type_name} leads, page of {first}{ending}",
        f'{{ overdueLeads(first: {first}, filter: {{type: {{name: "{type_name}"}}}}) '
        f"{{ {selection} }} }}",
        f"{baseline.PREFIX}overdue?first={first}&type={type_name.replace(' ', '%20')}{parameter}",
    )


def read_probes(lead_number: str, deep_number: int) -> list[Probe]:
    """Every kind of read request the requests workload times, on a data set whose lead
    `lead_number` exists and whose list runs past `deep_number`."""
    return [
        page(10),
        page(MAX_PAGE_SIZE),
        page(MAX_PAGE_SIZE, counted=False),
        deep_page(MAX_PAGE_SIZE, deep_number),
        one_lead(lead_number),
        overdue_page(MAX_PAGE_SIZE),
        page(MAX_PAGE_SIZE, SALES_USER, f"sales user's page of {MAX_PAGE_SIZE}"),
        ME,
        TYPENAME,
    ]


def refused_page(client: httpx2.Client, token: str) -> str:
    """What the product answers to a page of `REFUSED_PAGE`: the contract caps pages at
    `MAX_PAGE_SIZE`, so it must refuse it."""
    response = client.post(
        "/graphql",
        json={"query": f"{{ leads(first: {REFUSED_PAGE}) {{ totalCount }} }}"},
        headers=bearer(token),
    )
    body = response.json()
    if not body.get("errors") and (body.get("data") or {}).get("leads") is not None:
        raise WorkloadFailedError(f"the product answered a page of {REFUSED_PAGE}")
    return f"refused by the contract (first ≤ {MAX_PAGE_SIZE})"


def product_data(response: httpx2.Response) -> Any:
    """The `data` of a product's answer that must have succeeded."""
    body = response.json() if response.status_code == 200 else {}
    if "data" not in body or "errors" in body:
        raise WorkloadFailedError(
            f"the product answered {response.status_code}: {response.text[:300]}"
        )
    return body["data"]


def baseline_data(response: httpx2.Response) -> Any:
    """The JSON of a baseline's answer that must have succeeded."""
    if response.status_code != 200:
        raise WorkloadFailedError(
            f"the baseline answered {response.status_code}: {response.text[:300]}"
        )
    return response.json()


def richest_lead(page_data: Any) -> str:
    """The number of the lead of a page with the most set items (the first of them)."""
    sets = ("usersSet", "competitorsSet", "servicesSet", "physicalGoodsSet", "productsSet")
    nodes = page_data["leads"]["nodes"]
    number: str = max(nodes, key=lambda node: sum(len(node[name]) for name in sets))["number"]
    return number


def sign_in(client: httpx2.Client, username: str) -> str:
    """A token of `username`."""
    response = client.post(
        "/graphql", json={"query": LOGIN, "variables": {"u": username, "p": PASSWORD}}
    )
    token: str = product_data(response)["login"]["token"]
    return token


def check_answers(client: httpx2.Client, tokens: dict[str | None, str], kinds: list[Probe]) -> None:
    """Stop unless every baseline answer equals the product's `data`."""
    for probe in kinds:
        token = tokens.get(probe.user)
        expected = product_data(client.send(probe.product(client, token)))
        found = baseline_data(client.send(probe.baseline(client, token)))
        if found != expected:
            raise WorkloadFailedError(
                f"{probe.name}: the baseline's answer differs from the product's data"
            )
