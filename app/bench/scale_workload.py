"""The scale workload: how the list reads grow with the data set. Two servers, one over
100,000 leads and one over 1,000,000 (`--quick`: 10,000 and 100,000), each one worker of the
product with the baseline beside it, on SQLite; the first page of 100, the page of 100 after
a cursor at nine tenths of the list, and the overdue page of 100 of one lead type, each as a
client walking the cursors asks for it (no totalCount), then the first page with its count;
timed on both servers in turn, product and baseline interleaved; the ratio of the larger's
p50 to the smaller's.

The data sets are read in place (only sign-in writes: a token each), so a run after the
first builds nothing.
"""

from contextlib import ExitStack
from pathlib import Path

import httpx2

from app.bench import dataset
from app.bench.figures import Figures
from app.bench.options import Options
from app.bench.probes import (
    ADMINISTRATOR,
    Probe,
    baseline_data,
    check_answers,
    deep_page,
    overdue_page,
    page,
    product_data,
    sign_in,
)
from app.bench.servers import serving_with_baseline
from app.bench.timing import milliseconds, ratio, summary
from app.domain.leads.queries import MAX_PAGE_SIZE

SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
REQUESTS = 60
WARM_UP = 5
QUICK_REQUESTS = 15
QUICK_WARM_UP = 3
SIDES = ("product", "baseline")


def probes_for(deep_number: int) -> list[Probe]:
    """The list reads timed on each data set: as a client walking the cursors asks for its
    pages (no totalCount), then the first page with its count, which reads every lead the
    list holds and so grows with them."""
    return [
        page(MAX_PAGE_SIZE, counted=False),
        deep_page(MAX_PAGE_SIZE, deep_number, counted=False),
        overdue_page(MAX_PAGE_SIZE, counted=False),
        page(MAX_PAGE_SIZE),
    ]


def _time_round_robin(
    clients: dict[int, httpx2.Client],
    tokens: dict[int, dict[str | None, str]],
    kinds: dict[int, Probe],
    requests: int,
    warm_up: int,
) -> dict[int, Figures]:
    """For one kind of read, each size's product then baseline, size after size, round after
    round: every series meets the same moments of the machine."""
    times: dict[int, dict[str, list[float]]] = {
        size: {side: [] for side in SIDES} for size in clients
    }
    for round_number in range(warm_up + requests):
        for size, client in clients.items():
            probe, token = kinds[size], tokens[size].get(kinds[size].user)
            product = milliseconds(client, probe.product(client, token), product_data)
            base = milliseconds(client, probe.baseline(client, token), baseline_data)
            if round_number >= warm_up:
                times[size]["product"].append(product)
                times[size]["baseline"].append(base)
    return {size: {side: summary(times[size][side]) for side in SIDES} for size in clients}


def report(figures: Figures) -> None:
    """One line per kind of read and size, then the ratios."""
    small, large = figures["sizes"]
    for name, kind in figures["kinds"].items():
        for size in (small, large):
            product, base = kind[str(size)]["product"], kind[str(size)]["baseline"]
            print(
                f"{name}, {size:,} leads: product p50 {product['p50_ms']:.2f} ms, "
                f"p99 {product['p99_ms']:.2f} ms; baseline p50 {base['p50_ms']:.2f} ms, "
                f"p99 {base['p99_ms']:.2f} ms"
            )
        print(
            f"{name}: {large:,}/{small:,} p50 ratio product {kind['ratio_p50']['product']}, "
            f"baseline {kind['ratio_p50']['baseline']}",
            flush=True,
        )


def run(scratch: Path, options: Options) -> Figures:
    """Both data sets (built first where missing), both servers, the reads interleaved."""
    sizes = QUICK_SIZES if options.quick else SIZES
    requests, warm_up = (QUICK_REQUESTS, QUICK_WARM_UP) if options.quick else (REQUESTS, WARM_UP)
    data_sets = {size: dataset.sqlite_data_set(size) for size in sizes}
    for data_set in data_sets.values():
        print(dataset.describe(data_set), flush=True)
    with ExitStack() as stack:
        clients: dict[int, httpx2.Client] = {}
        tokens: dict[int, dict[str | None, str]] = {}
        kinds: dict[int, list[Probe]] = {}
        for size, data_set in data_sets.items():
            server = stack.enter_context(
                serving_with_baseline(data_set.url, scratch / f"server-{size}.log")
            )
            client = stack.enter_context(httpx2.Client(base_url=server.url, timeout=120))
            clients[size] = client
            tokens[size] = {ADMINISTRATOR: sign_in(client, ADMINISTRATOR)}
            kinds[size] = probes_for(data_set.deep_number)
            check_answers(client, tokens[size], kinds[size])
        timed: Figures = {}
        for index, probe in enumerate(kinds[sizes[0]]):
            by_size = {size: kinds[size][index] for size in sizes}
            found = _time_round_robin(clients, tokens, by_size, requests, warm_up)
            small, large = found[sizes[0]], found[sizes[1]]
            timed[probe.name] = {
                **{str(size): found[size] for size in sizes},
                "ratio_p50": {side: ratio(large[side], small[side]) for side in SIDES},
            }
    figures: Figures = {
        "sizes": list(sizes),
        "requests_per_kind": requests,
        "data_sets": {str(size): dataset.figures_of(data_sets[size]) for size in sizes},
        "kinds": timed,
    }
    report(figures)
    return figures
