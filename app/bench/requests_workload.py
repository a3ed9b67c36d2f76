"""The requests workload: the gateway against a hand-written baseline (app/bench/baseline.py)
served by the same uvicorn worker, over the demo data on SQLite.

1. Every baseline answer must equal the GraphQL `data` of the product's: otherwise the two
   would not be doing the same work, and their ratio would mean nothing.
2. The SQL statements of one request of each kind, product and baseline, counted (and each
   timed) in this process over an app of the same factory on the same database, by a
   `before_cursor_execute` listener on its engines: the server's own process is not touched.
3. `REQUESTS` requests of each kind, product and baseline interleaved, one at a time over one
   keep-alive connection, timed by the client: p50, p99 and the ratio of the p50s; then the
   worker's peak RSS.

The budgets of the cost model are set out of reach (each request is still priced): the
workload measures speed, not throttling.
"""

import asyncio
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import event

from app.bench import baseline
from app.bench.figures import Figures, WorkloadFailedError
from app.bench.servers import Server, demo_database, serving
from app.settings import LogLevel, Settings

REQUESTS = 200
WARM_UP = 20
ADMINISTRATOR = "MPAdministrator"
SALES_USER = "sales.main"
PASSWORD = "demo"
FACTORY = "app.bench.baseline:create_app"
# Points of a budget, and per second, that no run of the workload spends.
UNLIMITED = 10**9
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})

# A lead with about 25 fields: the selection of the statement-count test
# (tests/graphql/test_statement_counts.py), which the baseline answers.
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
PAGE_SELECTION = (
    f"totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor }} "
    f"nodes {{ {LEAD_SELECTION} }}"
)
LOGIN = "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
Client = httpx2.Client | httpx2.AsyncClient
_FROM = re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE)


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
            "POST", "/graphql", json={"query": self.document}, headers=_bearer(token)
        )

    def baseline(self, client: Client, token: str | None) -> httpx2.Request:
        """The baseline's request."""
        return client.build_request("GET", self.path, headers=_bearer(token))


def _bearer(token: str | None) -> dict[str, str]:
    return {} if token is None else {"authorization": f"Bearer {token}"}


def page(first: int, user: str = ADMINISTRATOR, name: str | None = None) -> Probe:
    """The first `first` leads that `user` may see."""
    return Probe(
        name or f"page of {first}",
        f"{{ leads(first: {first}) {{ {PAGE_SELECTION} }} }}",
        f"{baseline.PREFIX}leads?first={first}",
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


def probes(lead_number: str) -> list[Probe]:
    """Every kind of request the workload times."""
    return [
        page(10),
        page(100),
        one_lead(lead_number),
        ME,
        TYPENAME,
        page(100, SALES_USER, "sales user's page of 100"),
    ]


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


class StatementLog:
    """The statements an app sends while `recording`, each with its time in ms: from its
    sending to its rows, per cursor, since the batches of one request run concurrently."""

    def __init__(self) -> None:
        self.recording = False
        self.sent: list[tuple[str, float]] = []
        self._started: dict[int, float] = {}

    def before(self, _connection: Any, cursor: Any, *_: Any) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def after(self, _connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        started = self._started.pop(id(cursor))
        if self.recording:
            self.sent.append((statement, (time.perf_counter() - started) * 1000))

    @contextmanager
    def listening(self, engines: set[Any]) -> Iterator[None]:
        """Record what `engines` send, until the block ends."""
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self.before)
            event.listen(engine, "after_cursor_execute", self.after)
        try:
            yield
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", self.before)
                event.remove(engine, "after_cursor_execute", self.after)

    def figures(self) -> Figures:
        """How many statements, how many of them queries (not transaction control), and each
        one's table (the first after FROM) and time."""
        queries = [sql for sql, _ in self.sent if sql.strip().upper() not in TRANSACTION_CONTROL]
        return {
            "statements": len(self.sent),
            "queries": len(queries),
            "each_ms": [[_label(sql), round(ms, 3)] for sql, ms in self.sent],
        }


def _label(sql: str) -> str:
    found = _FROM.search(sql)
    return sql.split()[0].upper() + (f" {found.group(1)}" if found else "")


async def count_statements(
    app: baseline.WithBaseline, tokens: dict[str | None, str], kinds: list[Probe]
) -> Figures:
    """The statements of one request of each kind, product and baseline, sent to `app` in
    process (after one request of each, to warm it up)."""
    database = app.state.database
    log = StatementLog()
    figures: Figures = {}
    checks = {"product": product_data, "baseline": baseline_data}
    transport = httpx2.ASGITransport(app=app)
    with log.listening({database.read_engine.sync_engine, database.write_engine.sync_engine}):
        async with httpx2.AsyncClient(transport=transport, base_url="http://bench") as client:
            for probe in kinds:
                token, sides = tokens.get(probe.user), {}
                for side, request in (("product", probe.product), ("baseline", probe.baseline)):
                    await client.send(request(client, token))
                    log.sent.clear()
                    log.recording = True
                    checks[side](await client.send(request(client, token)))
                    log.recording = False
                    sides[side] = log.figures()
                figures[probe.name] = sides
    return figures


async def _count_in_process(url: str, tokens: dict[str | None, str], kinds: list[Probe]) -> Figures:
    settings = Settings(
        database_url=url,
        log_level=LogLevel.WARNING,
        rate_limit_points=UNLIMITED,
        rate_limit_restore_rate=UNLIMITED,
    )
    app = baseline.create_app(settings)
    try:
        return await count_statements(app, tokens, kinds)
    finally:
        await app.state.database.dispose()


def _milliseconds(
    client: httpx2.Client, request: httpx2.Request, check: Callable[[httpx2.Response], Any]
) -> float:
    started = time.perf_counter()
    response = client.send(request)
    elapsed = (time.perf_counter() - started) * 1000
    check(response)
    return elapsed


def _summary(times: list[float]) -> Figures:
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(statistics.quantiles(times, n=100)[98], 3),
    }


def time_requests(
    client: httpx2.Client, tokens: dict[str | None, str], probe: Probe, requests: int
) -> Figures:
    """p50 and p99 of `requests` requests of the product and as many of the baseline,
    interleaved, after `WARM_UP` of each; the ratio of the p50s."""
    token = tokens.get(probe.user)
    times: dict[str, list[float]] = {"product": [], "baseline": []}
    for round_number in range(WARM_UP + requests):
        product = _milliseconds(client, probe.product(client, token), product_data)
        base = _milliseconds(client, probe.baseline(client, token), baseline_data)
        if round_number >= WARM_UP:
            times["product"].append(product)
            times["baseline"].append(base)
    product_figures, baseline_figures = _summary(times["product"]), _summary(times["baseline"])
    return {
        "product": product_figures,
        "baseline": baseline_figures,
        "ratio_p50": round(product_figures["p50_ms"] / baseline_figures["p50_ms"], 1),
    }


def measure(server: Server, url: str, requests: int = REQUESTS) -> Figures:
    """Check the answers, count the statements, then time each kind of request."""
    with httpx2.Client(base_url=server.url, timeout=60) as client:
        tokens: dict[str | None, str] = {
            user: sign_in(client, user) for user in (ADMINISTRATOR, SALES_USER)
        }
        first_page = product_data(client.send(page(100).product(client, tokens[ADMINISTRATOR])))
        kinds = probes(richest_lead(first_page))
        check_answers(client, tokens, kinds)
        # Counted in this process, over an app of the same factory on the same database.
        statements = asyncio.run(_count_in_process(url, tokens, kinds))
        timings = {probe.name: time_requests(client, tokens, probe, requests) for probe in kinds}
    return {
        "requests_per_kind": requests,
        "kinds": {name: {**timings[name], "statements": statements[name]} for name in timings},
        "worker_peak_rss_mb": round(server.peak_rss_bytes() / 2**20, 1),
    }


def report(figures: Figures) -> None:
    """One line per kind of request."""
    for name, kind in figures["kinds"].items():
        product, base, statements = kind["product"], kind["baseline"], kind["statements"]
        print(
            f"{name}: product p50 {product['p50_ms']:.2f} ms, p99 {product['p99_ms']:.2f} ms, "
            f"{statements['product']['queries']} queries; baseline p50 {base['p50_ms']:.2f} ms, "
            f"p99 {base['p99_ms']:.2f} ms, {statements['baseline']['queries']} queries; "
            f"ratio {kind['ratio_p50']}"
        )
    print(f"worker peak RSS {figures['worker_peak_rss_mb']} MB", flush=True)


def run(scratch: Path) -> Figures:
    """A fresh demo database, one worker of the product with the baseline beside it, measured."""
    url = demo_database(scratch)
    budget = {"RATE_LIMIT_POINTS": str(UNLIMITED), "RATE_LIMIT_RESTORE_RATE": str(UNLIMITED)}
    with serving(url, scratch / "server.log", factory=FACTORY, **budget) as server:
        figures = measure(server, url)
    report(figures)
    return figures
