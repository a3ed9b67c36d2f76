"""The requests workload: the gateway against a hand-written baseline (app/bench/baseline.py)
served by the same uvicorn worker, over the bench's data set on SQLite (app/bench/dataset.py,
100,000 leads unless told), copied for the run since the writes change it.

1. Every baseline answer must equal the GraphQL `data` of the product's: otherwise the two
   would not be doing the same work, and their ratio would mean nothing. A page of 500 must
   be refused: the contract caps `first` at 100.
2. The SQL statements of one request of each kind, product and baseline, counted (and each
   timed) in this process over an app of the same factory on the same database
   (app/bench/statements.py): the server's own process is not touched.
3. The read requests, product and baseline interleaved, one at a time over one keep-alive
   connection, timed by the client: p50, p99 and the ratio of the p50s. Then a sales
   user's page against an administrator's, product and baseline, the four in turn: the
   cost of the visibility rule, taken at the same moments. Then the writes, on the product
   alone (app/bench/mutations.py). Then the worker's peak RSS.

The budgets of the cost model are out of reach (app/bench/servers.py).
"""

import asyncio
from functools import partial
from pathlib import Path

import httpx2

from app.bench import dataset
from app.bench.figures import Figures
from app.bench.mutations import count_mutation_statements, time_mutations
from app.bench.options import Options
from app.bench.probes import (
    ADMINISTRATOR,
    REFUSED_PAGE,
    SALES_USER,
    baseline_data,
    check_answers,
    page,
    product_data,
    read_probes,
    refused_page,
    richest_lead,
    sign_in,
)
from app.bench.servers import Server, serving_with_baseline
from app.bench.statements import count_in_process, in_process_app
from app.bench.timing import Timed, ratio, time_in_turn, time_interleaved
from app.domain.leads.queries import MAX_PAGE_SIZE

REQUESTS = 200
WARM_UP = 20
QUICK_REQUESTS = 30
QUICK_WARM_UP = 5
# Who reads the page of the visibility comparison, and the two sides that serve it.
READERS = {"administrator": ADMINISTRATOR, "sales user": SALES_USER}
SIDES = ("product", "baseline")
VISIBILITY = f"sales user's page of {MAX_PAGE_SIZE} against an administrator's, in turn"


async def _count_writes(url: str, token: str) -> Figures:
    app = in_process_app(url)
    try:
        return await count_mutation_statements(app, token)
    finally:
        await app.state.database.dispose()


def time_visibility(
    client: httpx2.Client, tokens: dict[str | None, str], requests: int, warm_up: int
) -> Figures:
    """A sales user's page of 100 against an administrator's, on the product and on the
    baseline, the four requests in turn: the ratio of each side's p50s (to two places, the
    target being 1.2) is what the visibility rule costs."""
    timed: dict[str, Timed] = {}
    for reader, user in READERS.items():
        probe = page(MAX_PAGE_SIZE, user)
        timed[f"product, {reader}"] = (partial(probe.product, client, tokens[user]), product_data)
        timed[f"baseline, {reader}"] = (
            partial(probe.baseline, client, tokens[user]),
            baseline_data,
        )
    figures = time_in_turn(client, timed, requests, warm_up)
    return {
        **figures,
        "ratio_p50": {
            side: ratio(figures[f"{side}, sales user"], figures[f"{side}, administrator"], 2)
            for side in SIDES
        },
    }


def measure(server: Server, url: str, deep_number: int, requests: int, warm_up: int) -> Figures:
    """Check the answers, count the statements, then time each kind of request."""
    with httpx2.Client(base_url=server.url, timeout=60) as client:
        tokens: dict[str | None, str] = {
            user: sign_in(client, user) for user in (ADMINISTRATOR, SALES_USER)
        }
        first_page = product_data(
            client.send(page(MAX_PAGE_SIZE).product(client, tokens[ADMINISTRATOR]))
        )
        kinds = read_probes(richest_lead(first_page), deep_number)
        check_answers(client, tokens, kinds)
        refused = refused_page(client, tokens[ADMINISTRATOR])
        # Counted in this process, over an app of the same factory on the same database.
        statements = asyncio.run(count_in_process(url, tokens, kinds))
        write_statements = asyncio.run(_count_writes(url, tokens[ADMINISTRATOR]))
        timings = {
            probe.name: time_interleaved(client, tokens, probe, requests, warm_up)
            for probe in kinds
        }
        visibility = time_visibility(client, tokens, requests, warm_up)
        writes = time_mutations(client, tokens[ADMINISTRATOR], requests, warm_up)
    return {
        "requests_per_kind": requests,
        "warm_up": warm_up,
        "kinds": {name: {**timings[name], "statements": statements[name]} for name in timings},
        f"page of {REFUSED_PAGE}": refused,
        VISIBILITY: visibility,
        "writes": {
            name: {"product": writes[name], "statements": write_statements[name]} for name in writes
        },
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
    visibility = figures[VISIBILITY]
    sides = (
        f"{side} {visibility[f'{side}, sales user']['p50_ms']:.2f} / "
        f"{visibility[f'{side}, administrator']['p50_ms']:.2f} ms "
        f"({visibility['ratio_p50'][side]:.2f})"
        for side in SIDES
    )
    print(f"{VISIBILITY}, p50: {', '.join(sides)}")
    print(f"page of {REFUSED_PAGE}: {figures[f'page of {REFUSED_PAGE}']}")
    for name, write in figures["writes"].items():
        product = write["product"]
        print(
            f"{name}: product p50 {product['p50_ms']:.2f} ms, p99 {product['p99_ms']:.2f} ms, "
            f"{write['statements']['queries']} queries (product only)"
        )
    print(f"worker peak RSS {figures['worker_peak_rss_mb']} MB", flush=True)


def run(scratch: Path, options: Options) -> Figures:
    """The data set (a copy, for the writes), one worker of the product with the baseline
    beside it, measured."""
    data_set = dataset.sqlite_data_set(options.size)
    url = dataset.copy_into(data_set, scratch)
    requests, warm_up = (QUICK_REQUESTS, QUICK_WARM_UP) if options.quick else (REQUESTS, WARM_UP)
    print(dataset.describe(data_set), flush=True)
    with serving_with_baseline(url, scratch / "server.log") as server:
        figures = measure(server, url, data_set.deep_number, requests, warm_up)
    report(figures)
    return {"data_set": dataset.figures_of(data_set), **figures}
