"""One log line and one set of measurements per request, with a request id.

A pure ASGI middleware (not `BaseHTTPMiddleware`), so that the front doors run in the same
task as the record it opens and what they note reaches it. The line is written and the
metrics counted just before the last byte of the response is sent, so that a client holding
a complete response finds it in `/metrics` and in the log.
"""

import re
import time
import uuid
from collections.abc import Collection
from typing import Any

import orjson
import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability.metrics import observe_request
from app.observability.redaction import redact_query
from app.observability.requests import Interface, Outcome, RequestRecord, recording

FACADE_PREFIX = "/crmapi/rest/v2/"
REQUEST_ID_HEADER = "x-request-id"
# A caller's request id is kept when it is this tame; any other is replaced.
_TAME_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# A REST error body is read for its envelope's `status.code` up to this size.
_MAX_ENVELOPE = 64 * 1024

log = structlog.get_logger("leads.request")


def _request_id(scope: Scope) -> str:
    """The caller's `X-Request-ID` when it is tame, else a new one."""
    given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
    return given if _TAME_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _envelope_code(body: bytes) -> str | None:
    """The `status.code` of a REST envelope, when `body` is one."""
    try:
        envelope = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    status = envelope.get("status") if isinstance(envelope, dict) else None
    code = status.get("code") if isinstance(status, dict) else None
    return code if isinstance(code, str) else None


class _Exchange:
    """One request and its response as they pass through."""

    def __init__(self, scope: Scope, send: Send, record: RequestRecord) -> None:
        self.scope = scope
        self.downstream = send
        self.record = record
        self.started = time.perf_counter()
        self.status: int | None = None
        self.error_body: bytearray | None = None
        self.finished = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            MutableHeaders(scope=message).append(REQUEST_ID_HEADER, self.record.request_id)
            if self.record.interface is Interface.REST and self.status >= 400:
                self.error_body = bytearray()
        elif message["type"] == "http.response.body":
            if self.error_body is not None and len(self.error_body) < _MAX_ENVELOPE:
                self.error_body += message.get("body", b"")
            if not message.get("more_body", False):
                self.finish()
        await self.downstream(message)

    async def answer_unexpected(self) -> None:
        """A 500 for a failure that escaped the app before it answered."""
        body = orjson.dumps({"error": "Unexpected error.", "request_id": self.record.request_id})
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await self.send({"type": "http.response.start", "status": 500, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})

    def finish(self) -> None:
        """Count the request and write its line, once."""
        if self.finished:
            return
        self.finished = True
        seconds = time.perf_counter() - self.started
        status = self.status or 500
        record = self.record
        if self.error_body is not None:
            record.error(_envelope_code(bytes(self.error_body)) or f"HTTP_{status}")
        elif 400 <= status < 500 and not record.error_codes:
            record.error(f"HTTP_{status}")
        outcome = record.outcome(status)
        observe_request(record, seconds, outcome)
        self._log(status, seconds, outcome)

    def _log(self, status: int, seconds: float, outcome: Outcome) -> None:
        record = self.record
        fields: dict[str, Any] = {
            "request_id": record.request_id,
            "method": self.scope["method"],
            "path": self.scope["path"],
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "outcome": outcome.value,
            "user": record.user,
        }
        if query := self.scope.get("query_string", b"").decode("latin-1"):
            fields["query"] = redact_query(query)
        if record.interface is not None:
            fields["interface"] = record.interface.value
            fields["operation"] = record.operation
        if record.error_codes:
            fields["codes"] = record.error_codes
        if record.detail is not None:
            fields["detail"] = record.detail
        if client := self.scope.get("client"):
            fields["client"] = client[0]
        if outcome is Outcome.UNEXPECTED_ERROR:
            log.error("request", exc_info=record.unexpected, **fields)
        elif outcome is Outcome.SERVER_ERROR:
            log.warning("request", **fields)
        else:
            log.info("request", **fields)


class RequestObservation:
    """Opens a `RequestRecord` for every HTTP request, then logs and counts it."""

    def __init__(self, app: ASGIApp, facade_operations: Collection[str]) -> None:
        self.app = app
        # The facade's operations, as paths below FACADE_PREFIX (`leads/show`); any other path
        # there counts as "unknown", so that clients cannot make up metric labels.
        self.facade_operations = frozenset(facade_operations)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord(request_id=_request_id(scope))
        path: str = scope["path"]
        if path.startswith(FACADE_PREFIX):
            record.interface = Interface.REST
            operation = path.removeprefix(FACADE_PREFIX)
            record.operation = operation if operation in self.facade_operations else "unknown"
        exchange = _Exchange(scope, send, record)
        with (
            recording(record),
            structlog.contextvars.bound_contextvars(request_id=record.request_id),
        ):
            try:
                await self.app(scope, receive, exchange.send)
            except Exception as error:  # logged once, below, with its traceback
                record.failed(error)
                if exchange.status is None:
                    await exchange.answer_unexpected()
            finally:
                exchange.finish()
