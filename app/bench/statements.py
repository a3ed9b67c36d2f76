"""The SQL statements one request sends, counted (and each timed) in the bench's own process
over an app of the same factory on the same database, by a `before_cursor_execute` listener
on its engines: the server's process is not touched.
"""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
from sqlalchemy import event

from app.bench import baseline
from app.bench.figures import Figures
from app.bench.probes import Probe, baseline_data, product_data
from app.bench.servers import UNLIMITED
from app.graphql.context import Clock
from app.settings import LogLevel, Settings

TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})
_FROM = re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE)


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
    with log.listening({engine.sync_engine for engine in database.engines}):
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


def in_process_app(url: str, clock: Clock | None = None) -> baseline.WithBaseline:
    """An app of the bench's factory on `url`, its budgets out of reach (and its clock, when
    given, `clock`), for counting statements in this process."""
    settings = Settings(
        database_url=url,
        log_level=LogLevel.WARNING,
        rate_limit_points=UNLIMITED,
        rate_limit_restore_rate=UNLIMITED,
    )
    return baseline.create_app(settings, clock)


async def count_in_process(
    url: str, tokens: dict[str | None, str], kinds: list[Probe], clock: Clock | None = None
) -> Figures:
    """The statements of one request of each kind, over an app of the bench's factory on
    `url` (whose clock, when given, is `clock`)."""
    app = in_process_app(url, clock)
    try:
        return await count_statements(app, tokens, kinds)
    finally:
        await app.state.database.dispose()
