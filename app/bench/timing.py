"""Requests timed by the client, one at a time over one keep-alive connection: the product and
the baseline interleaved, so that both meet the same moments of a shared machine."""

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx2

from app.bench.figures import Figures
from app.bench.probes import Probe, baseline_data, product_data


def milliseconds(
    client: httpx2.Client, request: httpx2.Request, check: Callable[[httpx2.Response], Any]
) -> float:
    """How long `request` took from sending to its whole answer, which `check` then checks.

    The client's own garbage collections wait until the answer is in: one that ran while a
    request was timed would count the client's pause as the server's latency.
    """
    gc.disable()
    try:
        started = time.perf_counter()
        response = client.send(request)
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        gc.enable()
    check(response)
    return elapsed


def summary(times: list[float]) -> Figures:
    """The p50 and p99 of `times`, in ms."""
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(statistics.quantiles(times, n=100)[98], 3),
    }


def ratio(numerator: Figures, denominator: Figures, places: int = 1) -> float:
    """One p50 over another (the product's over the baseline's, say)."""
    return round(float(numerator["p50_ms"]) / float(denominator["p50_ms"]), places)


# A request to time: what makes it (anew each time it is sent), and what checks its answer.
Timed = tuple[Callable[[], httpx2.Request], Callable[[httpx2.Response], Any]]


def time_in_turn(
    client: httpx2.Client, timed: dict[str, Timed], requests: int, warm_up: int
) -> dict[str, Figures]:
    """p50 and p99 of each request of `timed`, sent one after the other in rounds: `warm_up`
    rounds, then `requests` timed ones. Taking turns, every kind meets the same moments of
    a shared machine, whose speed moves from minute to minute."""
    times: dict[str, list[float]] = {name: [] for name in timed}
    for round_number in range(warm_up + requests):
        for name, (request, check) in timed.items():
            elapsed = milliseconds(client, request(), check)
            if round_number >= warm_up:
                times[name].append(elapsed)
    return {name: summary(found) for name, found in times.items()}


def time_interleaved(
    client: httpx2.Client,
    tokens: dict[str | None, str],
    probe: Probe,
    requests: int,
    warm_up: int,
) -> Figures:
    """p50 and p99 of `requests` requests of the product and as many of the baseline,
    interleaved, after `warm_up` of each; the ratio of the p50s."""
    token = tokens.get(probe.user)
    timed = time_in_turn(
        client,
        {
            "product": (lambda: probe.product(client, token), product_data),
            "baseline": (lambda: probe.baseline(client, token), baseline_data),
        },
        requests,
        warm_up,
    )
    return {**timed, "ratio_p50": ratio(timed["product"], timed["baseline"])}
