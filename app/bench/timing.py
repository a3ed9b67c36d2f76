"""Requests timed by the client, one at a time over one keep-alive connection: the product and
the baseline interleaved, so that both meet the same moments of a shared machine."""

import gc
import statistics
import time
from collections.abc import Callable, Iterable
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


def ratio(product: Figures, baseline: Figures) -> float:
    """The product's p50 over the baseline's."""
    return round(float(product["p50_ms"]) / float(baseline["p50_ms"]), 1)


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
    times: dict[str, list[float]] = {"product": [], "baseline": []}
    for round_number in range(warm_up + requests):
        product = milliseconds(client, probe.product(client, token), product_data)
        base = milliseconds(client, probe.baseline(client, token), baseline_data)
        if round_number >= warm_up:
            times["product"].append(product)
            times["baseline"].append(base)
    product_figures, baseline_figures = summary(times["product"]), summary(times["baseline"])
    return {
        "product": product_figures,
        "baseline": baseline_figures,
        "ratio_p50": ratio(product_figures, baseline_figures),
    }


def time_each(
    client: httpx2.Client,
    requests: Iterable[httpx2.Request],
    check: Callable[[httpx2.Response], Any],
    warm_up: int,
) -> Figures:
    """p50 and p99 of the requests past the first `warm_up`, each checked by `check`."""
    times = [milliseconds(client, request, check) for request in requests]
    return summary(times[warm_up:])
