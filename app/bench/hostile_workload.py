"""The hostile workload: what a script on the open internet sends, against one worker over the
demo data on SQLite.

1. Each attack of the list is sent several times; every answer must be the intended refusal
   (status and `extensions.code`), and its time is measured. Meanwhile a prober asks `/health`
   every 20 ms and keeps its slowest answer: the event loop must keep serving.
2. The worker's RSS before and after 20 distinct 1 MB documents, anonymous and signed in.
3. 200 concurrent requests of 8 aliased pages of leads each: the answers counted by status;
   none may be a 5xx other than 503 with `Retry-After`, and no answer may leak internals.
"""

import asyncio
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from app.bench.figures import Figures, WorkloadFailedError
from app.bench.servers import Server, demo_database, serving

REPEATS = 5
MEGABYTE = 1_000_000
LOGIN = 'mutation { login(username: "MPAdministrator", password: "demo") { token } }'
PAGE = "leads(first: 100) { nodes { number status { name } type { name } } }"
# What no answer may hold: a traceback, SQL, a file path or a Python message.
LEAKS = re.compile(
    r"Traceback|File \"|SELECT |INSERT INTO|sqlalchemy|aiosqlite|\.py\b|site-packages|"
    r"NoneType|object has no attribute|KeyError|maximum recursion",
)

Send = Callable[[httpx2.Client, str], httpx2.Response]


@dataclass(frozen=True)
class Attack:
    """One hostile request, and the refusal it must get (`code` "" for a validation error,
    which has none)."""

    name: str
    send: Send
    status: int
    code: str


def _post(document: str, variables: Any = None) -> Send:
    body = {"query": document, "variables": variables or {}}
    return lambda client, token: client.post(
        "/graphql", json=body, headers={"authorization": f"Bearer {token}"}
    )


def _anonymous(body: bytes, content_type: str = "application/json") -> Send:
    return lambda client, _: client.post(
        "/graphql", content=body, headers={"content-type": content_type}
    )


def _deep_variables(depth: int) -> Send:
    # Spelled out: the JSON encoders refuse (or recurse on) nesting this deep.
    nested = b'{"x":' * depth + b'"deep"' + b"}" * depth
    body = b'{"query": "query ($v: JSON) { __typename }", "variables": {"v": ' + nested + b"}}"
    return lambda client, token: client.post(
        "/graphql",
        content=body,
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )


def _fragment_bomb(levels: int) -> str:
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels)]
    return f"{{ ...F{levels - 1} }} " + " ".join(fragments)


def attacks() -> list[Attack]:
    """The attacks of issue 14's list, each with the refusal it must meet."""
    deep = "{ me " + "{ groups " * 29 + "{ name }" + " }" * 30
    aliases = "{ " + " ".join(f"a{n}: __typename" for n in range(200)) + " }"
    cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    tokens = "{ " + "a " * 10_000 + "}"
    batch = b"[" + b",".join([b'{"query": "{ __typename }"}'] * 5) + b"]"
    return [
        Attack("depth 30", _post(deep), 400, "QUERY_TOO_COMPLEX"),
        Attack("200 aliases", _post(aliases), 400, "QUERY_TOO_COMPLEX"),
        Attack("fragment cycle", _post(cycle), 400, "QUERY_TOO_COMPLEX"),
        Attack("fragment bomb", _post(_fragment_bomb(20)), 400, "QUERY_TOO_COMPLEX"),
        Attack("10,000 tokens", _post(tokens), 400, "QUERY_TOO_COMPLEX"),
        Attack("1 MB document", _post("{ " + "x" * MEGABYTE + " }"), 413, "QUERY_TOO_COMPLEX"),
        Attack("2 MB anonymous body", _anonymous(b" " * 2 * MEGABYTE), 413, "QUERY_TOO_COMPLEX"),
        Attack("variables 1,000 deep", _deep_variables(1_000), 400, "QUERY_TOO_COMPLEX"),
        Attack(
            "first: 1000000",
            _post("{ leads(first: 1000000) { totalCount } }"),
            400,
            "QUERY_TOO_COMPLEX",
        ),
        Attack("batch of 5", _anonymous(batch), 400, "BAD_REQUEST"),
        Attack(
            "mutation over GET",
            lambda client, _: client.get("/graphql", params={"query": "mutation { logout }"}),
            405,
            "BAD_REQUEST",
        ),
        Attack(
            "form POST",
            _anonymous(b"query=%7B__typename%7D", "application/x-www-form-urlencoded"),
            415,
            "BAD_REQUEST",
        ),
    ]


def production_attacks() -> list[Attack]:
    """What the production profile must not answer helpfully."""
    introspection = _anonymous(b'{"query": "{ __schema { types { name } } }"}')
    return [
        Attack("introspection without a token", introspection, 200, "UNAUTHENTICATED"),
        Attack("misspelled field", _post("{ leadz { id } }"), 400, ""),
    ]


class HealthProber(threading.Thread):
    """Asks `/health` every 20 ms until stopped; keeps the slowest answer's time."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.slowest_ms = 0.0
        self.failures = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        with httpx2.Client(base_url=self.url, timeout=30) as client:
            while True:
                started = time.perf_counter()
                if client.get("/health").status_code != 200:
                    self.failures += 1
                self.slowest_ms = max(self.slowest_ms, (time.perf_counter() - started) * 1000)
                if self.stopped.wait(0.02):
                    return


def _refusal_code(response: httpx2.Response) -> str:
    errors = response.json().get("errors") or [{}]
    return str((errors[0].get("extensions") or {}).get("code", ""))


def _check(attack: Attack, response: httpx2.Response) -> None:
    found = (response.status_code, _refusal_code(response))
    if found != (attack.status, attack.code):
        raise WorkloadFailedError(
            f"{attack.name}: answered {found}, expected {(attack.status, attack.code)}: "
            f"{response.text[:300]}"
        )
    if "Did you mean" in response.text or LEAKS.search(response.text):
        raise WorkloadFailedError(f"{attack.name}: the answer says too much: {response.text[:300]}")


def _sign_in(client: httpx2.Client) -> str:
    token: str = client.post("/graphql", json={"query": LOGIN}).json()["data"]["login"]["token"]
    return token


def measure_attacks(server: Server, list_of_attacks: list[Attack]) -> Figures:
    """Each attack's median and slowest refusal in ms, and `/health`'s slowest meanwhile."""
    prober = HealthProber(server.url)
    figures: Figures = {}
    headers = {"accept": "application/graphql-response+json, application/json"}
    with httpx2.Client(base_url=server.url, timeout=60, headers=headers) as client:
        token = _sign_in(client)
        prober.start()
        try:
            for attack in list_of_attacks:
                times = []
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    response = attack.send(client, token)
                    times.append((time.perf_counter() - started) * 1000)
                    _check(attack, response)
                figures[attack.name] = {
                    "median_ms": round(statistics.median(times), 1),
                    "slowest_ms": round(max(times), 1),
                }
        finally:
            prober.stopped.set()
            prober.join()
    if prober.failures:
        raise WorkloadFailedError(f"/health failed {prober.failures} times during the attacks")
    return {"refusals": figures, "health_slowest_ms": round(prober.slowest_ms, 1)}


def _megabyte_document(number: int) -> str:
    return "{ " + f"f{number} " * (MEGABYTE // (len(str(number)) + 2)) + "}"


def measure_memory(server: Server) -> Figures:
    """The worker's RSS growth over 20 distinct 1 MB documents, anonymous and signed in."""
    with httpx2.Client(base_url=server.url, timeout=60) as client:
        token = _sign_in(client)
        before = server.rss_bytes()
        for number in range(20):
            document = _megabyte_document(number)
            client.post("/graphql", json={"query": document})
            client.post(
                "/graphql", json={"query": document}, headers={"authorization": f"Bearer {token}"}
            )
        after = server.rss_bytes()
    return {
        "rss_before_mb": round(before / 2**20, 1),
        "rss_after_mb": round(after / 2**20, 1),
        "rss_growth_mb": round((after - before) / 2**20, 1),
    }


async def _flood(server: Server, requests: int) -> Counter[str]:
    document = "{ " + " ".join(f"p{n}: {PAGE}" for n in range(8)) + " }"
    limits = httpx2.Limits(max_connections=requests)
    async with httpx2.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
        login = await client.post("/graphql", json={"query": LOGIN})
        headers = {"authorization": f"Bearer {login.json()['data']['login']['token']}"}

        async def one() -> str:
            response = await client.post("/graphql", json={"query": document}, headers=headers)
            if LEAKS.search(response.text):
                return "leak"
            if response.status_code == 503 and "retry-after" not in response.headers:
                return "503 without Retry-After"
            return str(response.status_code)

        return Counter(await asyncio.gather(*(one() for _ in range(requests))))


def measure_flood(server: Server) -> Figures:
    """200 concurrent requests of 8 aliased pages each, counted by answer."""
    statuses = asyncio.run(_flood(server, 200))
    wrong = {
        status: count for status, count in statuses.items() if status not in {"200", "429", "503"}
    }
    if wrong:
        raise WorkloadFailedError(f"the flood got wrong answers: {dict(statuses)}")
    return {"answers": dict(sorted(statuses.items()))}


def run(scratch: Path) -> Figures:
    """Start the servers, send the attacks, measure memory and the flood."""
    url = demo_database(scratch)
    figures: Figures = {}
    with serving(url, scratch / "development.log") as server:
        figures["development"] = measure_attacks(server, attacks())
        figures["memory"] = measure_memory(server)
        figures["flood"] = measure_flood(server)
    with serving(url, scratch / "production.log", PROFILE="production") as server:
        figures["production"] = measure_attacks(server, production_attacks())
    for profile in ("development", "production"):
        for name, times in figures[profile]["refusals"].items():
            print(f"{profile}: {name}: {times['median_ms']} ms (slowest {times['slowest_ms']})")
        print(f"{profile}: /health slowest {figures[profile]['health_slowest_ms']} ms")
    memory = figures["memory"]
    print(f"RSS {memory['rss_before_mb']} MB -> {memory['rss_after_mb']} MB after 40 documents")
    print(f"flood of 200: {figures['flood']['answers']}", flush=True)
    return figures
