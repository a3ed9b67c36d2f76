"""The load workload: 4 uvicorn workers of the product with the baseline beside it (the
requests workload's factory) over the data set on PostgreSQL, in a database of its own
(`leads_bench`, built once: app/bench/dataset.py). The page of 100 leads at 8 and then 32
requests in flight, product and baseline in turn at each level: requests per second, p50,
p99, failures; each worker's peak RSS after the 32; the client's CPU.

Both answers are first checked equal, as in the requests workload. The client
(app/bench/load_client.py) shares the machine's two cores with the workers, so its CPU is
reported beside the figures.
"""

from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import orjson

from app.bench import dataset
from app.bench.figures import Figures
from app.bench.load_client import Target, load
from app.bench.options import Options
from app.bench.probes import ADMINISTRATOR, check_answers, page, sign_in
from app.bench.servers import Server, serving_with_baseline
from app.domain.leads.queries import MAX_PAGE_SIZE

WORKERS = 4
IN_FLIGHT = (8, 32)
SECONDS = 10.0
WARM_UP_SECONDS = 2.0
QUICK_SECONDS = 2.0
QUICK_WARM_UP_SECONDS = 0.5


def targets(server: Server, token: str) -> dict[str, Target]:
    """The page of 100, as the product's request and as the baseline's."""
    probe = page(MAX_PAGE_SIZE)
    address = urlsplit(server.url)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    return {
        "product": Target(
            host, port, "POST", "/graphql", token, orjson.dumps({"query": probe.document})
        ),
        "baseline": Target(host, port, "GET", probe.path, token),
    }


def report(figures: Figures) -> None:
    """One line per level and side, then the workers' memory."""
    for level, sides in figures["in_flight"].items():
        for side in ("product", "baseline"):
            found = sides[side]
            print(
                f"page of {MAX_PAGE_SIZE}, {level} in flight, {side}: "
                f"{found['requests_per_second']} requests/s, p50 {found['p50_ms']} ms, "
                f"p99 {found['p99_ms']} ms, {found['failed']} failed, "
                f"client CPU {found['client_cpu_cores']} cores"
            )
        print(f"{level} in flight: product/baseline throughput {sides['ratio_throughput']}")
    print(f"workers' peak RSS (MB): {figures['workers_peak_rss_mb']}", flush=True)


def run(scratch: Path, options: Options) -> Figures:
    """The PostgreSQL data set (built first when missing), 4 workers, both levels."""
    data_set = dataset.postgresql_data_set(options.database_url, options.size)
    print(dataset.describe(data_set), flush=True)
    seconds, warm_up = (
        (QUICK_SECONDS, QUICK_WARM_UP_SECONDS)
        if options.quick
        else (
            SECONDS,
            WARM_UP_SECONDS,
        )
    )
    levels: Figures = {}
    log = scratch / "server.log"
    with serving_with_baseline(data_set.url, log, WORKERS) as server:
        with httpx2.Client(base_url=server.url, timeout=60) as client:
            token = sign_in(client, ADMINISTRATOR)
            check_answers(client, {ADMINISTRATOR: token}, [page(MAX_PAGE_SIZE)])
        sides = targets(server, token)
        for in_flight in IN_FLIGHT:
            found = {
                side: load(target, in_flight, warm_up, seconds) for side, target in sides.items()
            }
            found["ratio_throughput"] = round(
                found["product"]["requests_per_second"] / found["baseline"]["requests_per_second"],
                3,
            )
            levels[str(in_flight)] = found
        peaks = [round(peak / 2**20, 1) for peak in server.workers_peak_rss_bytes()]
    figures: Figures = {
        "workers": WORKERS,
        "seconds_per_level": seconds,
        "data_set": dataset.figures_of(data_set),
        "in_flight": levels,
        "workers_peak_rss_mb": peaks,
    }
    report(figures)
    return figures
