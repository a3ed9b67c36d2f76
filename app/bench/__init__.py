"""Benchmarks of whole workloads, as `scripts/bench` runs them: each builds what it needs in
a temporary directory, measures, checks that the work came out right, prints its figures and
writes them as JSON under `bench/`.

A workload is a name, a line saying what it measures, and a function from a scratch
directory to its figures; add one to `WORKLOADS` and `scripts/bench NAME` runs it.
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

from app.bench import hostile_workload, import_workload, requests_workload
from app.bench.figures import Figures, WorkloadFailedError


@dataclass(frozen=True)
class Workload:
    """One benchmark: what it measures, and how (given a scratch directory)."""

    name: str
    description: str
    run: Callable[[Path], Figures]


WORKLOADS = {
    workload.name: workload
    for workload in (
        Workload(
            "import",
            "leads import of a 10,000-row CSV with 100 bad rows into SQLite, then again",
            import_workload.run,
        ),
        Workload(
            "hostile",
            "hostile requests against one worker: refusal times, /health meanwhile, memory, "
            "a flood of 200 concurrent rich requests",
            hostile_workload.run,
        ),
        Workload(
            "requests",
            "pages of leads, one lead, me and __typename against a hand-written baseline in the "
            "same worker: p50, p99, their ratio, SQL statements, peak memory",
            requests_workload.run,
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


def run_workload(workload: Workload, output: Path) -> Path:
    """Run one workload in a scratch directory; the JSON file its figures went to."""
    started, machine = datetime.now(UTC), _machine()
    with tempfile.TemporaryDirectory(prefix=f"leads-bench-{workload.name}-") as scratch:
        figures = workload.run(Path(scratch))
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{workload.name}-{started:%Y%m%dT%H%M%SZ}.json"
    record = {
        "workload": workload.name,
        "description": workload.description,
        "started_at": started.isoformat(),
        "machine": machine,
        "figures": figures,
    }
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


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
    arguments = parser.parse_args(argv)
    unknown = [name for name in arguments.workloads if name not in WORKLOADS]
    if unknown:
        parser.error(f"no workload named {', '.join(unknown)}; there are {', '.join(WORKLOADS)}")
    for name in arguments.workloads or list(WORKLOADS):
        workload = WORKLOADS[name]
        print(f"== {name}: {workload.description}", flush=True)
        try:
            path = run_workload(workload, arguments.output)
        except WorkloadFailedError as error:
            print(f"{name} failed: {error}", file=sys.stderr)
            return 1
        print(f"figures written to {path}")
    return 0
