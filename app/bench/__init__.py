"""Benchmarks of whole workloads, as `scripts/bench` runs them: each builds what it needs in
a temporary directory, measures, checks that the work came out right, prints its figures and
writes them as JSON under `bench/`.

A workload is a name, a line saying what it measures, and a function from a scratch
directory and the command line's options to its figures; add one to `WORKLOADS` and
`scripts/bench NAME` runs it. `--quick` asks each for fewer requests: `scripts/bench --quick`
runs them all in under two minutes once the data sets are built.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.bench import (
    hostile_workload,
    import_workload,
    load_workload,
    requests_workload,
    scale_workload,
)
from app.bench.dataset import DEFAULT_SIZE
from app.bench.figures import Figures, WorkloadFailedError
from app.bench.options import Options


@dataclass(frozen=True)
class Workload:
    """One benchmark: what it measures, and how (given a scratch directory and options)."""

    name: str
    description: str
    run: Callable[[Path, Options], Figures]


WORKLOADS = {
    workload.name: workload
    for workload in (
        Workload(
            "import",
            "leads import of a 10,000-row CSV with 100 bad rows into SQLite, then again "
            "(--quick: 1,000 rows, 10 bad)",
            lambda scratch, options: import_workload.run(scratch, quick=options.quick),
        ),
        Workload(
            "hostile",
            "hostile requests against one worker: refusal times, /health meanwhile, memory, "
            "a flood of 200 concurrent rich requests",
            lambda scratch, _: hostile_workload.run(scratch),
        ),
        Workload(
            "requests",
            "pages of leads (first, deep cursor, overdue of a type, a sales user's), one lead, "
            "me and __typename against a hand-written baseline in the same worker, then "
            "createLead, updateLead and winLead, over the data set on SQLite: p50, p99, their "
            "ratio, SQL statements, peak memory",
            requests_workload.run,
        ),
        Workload(
            "scale",
            "the first page, the deep-cursor page and the overdue page of a type on 100,000 and "
            "on 1,000,000 leads (--quick: 10,000 and 100,000), two servers interleaved: p50, "
            "p99 and the ratio of the sizes",
            scale_workload.run,
        ),
        Workload(
            "load",
            "4 uvicorn workers on PostgreSQL, pages of 100 at 8 and 32 in flight, product and "
            "baseline: requests per second, latency, each worker's peak RSS, the client's CPU",
            load_workload.run,
        ),
    )
}


def _machine() -> Figures:
    """What the figures were measured on; the load average says how busy it was before."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
    }


def run_workload(workload: Workload, output: Path, options: Options | None = None) -> Path:
    """Run one workload in a scratch directory; the JSON file its figures went to."""
    started, machine = datetime.now(UTC), _machine()
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix=f"leads-bench-{workload.name}-") as scratch:
        figures = workload.run(Path(scratch), options)
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{workload.name}-{started:%Y%m%dT%H%M%SZ}.json"
    record = {
        "workload": workload.name,
        "description": workload.description,
        "started_at": started.isoformat(),
        "machine": machine,
        "quick": options.quick,
        "figures": figures,
    }
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


def _postgresql_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else Options().database_url


def main(argv: list[str] | None = None) -> int:
    """Run the workloads named on the command line (every one when none is named)."""
    parser = argparse.ArgumentParser(
        prog="scripts/bench", description="Measure workloads; write their figures under bench/."
    )
    parser.add_argument(
        "workloads",
        nargs="*",
        metavar="WORKLOAD",
        help=f"one of: {', '.join(WORKLOADS)} (default: all)",
    )
    parser.add_argument("--output", type=Path, default=Path("bench"), help="default: bench/")
    parser.add_argument(
        "--quick", action="store_true", help="fewer requests, smaller data sets where told"
    )
    parser.add_argument(
        "--size",
        type=int,
        default=DEFAULT_SIZE,
        help=f"leads of the requests and load workloads' data set (default: {DEFAULT_SIZE:,})",
    )
    parser.add_argument(
        "--database-url",
        default=_postgresql_url(),
        help="the PostgreSQL server of the load workload (default: DATABASE_URL when it names "
        "PostgreSQL, else the local test server); its data set goes to the database leads_bench",
    )
    arguments = parser.parse_args(argv)
    options = Options(arguments.quick, arguments.size, arguments.database_url)
    unknown = [name for name in arguments.workloads if name not in WORKLOADS]
    if unknown:
        parser.error(f"no workload named {', '.join(unknown)}; there are {', '.join(WORKLOADS)}")
    for name in arguments.workloads or list(WORKLOADS):
        workload = WORKLOADS[name]
        print(f"== {name}: {workload.description}", flush=True)
        try:
            path = run_workload(workload, arguments.output, options)
        except WorkloadFailedError as error:
            print(f"{name} failed: {error}", file=sys.stderr)
            return 1
        print(f"figures written to {path}")
    return 0
