"""What one request was, as the front doors learn it: which operation, by whom, and how it
ended. The middleware opens a record per request; the GraphQL layer and the REST facade fill
it in through `current_request()`; the request's log line and metrics are made from it."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum


class Interface(StrEnum):
    """The front door a request came through."""

    GRAPHQL = "graphql"
    REST = "rest"


class Outcome(StrEnum):
    """How a request ended, as its log line and metrics say."""

    OK = "ok"
    CLIENT_ERROR = "client_error"
    SERVER_ERROR = "server_error"
    UNEXPECTED_ERROR = "unexpected_error"


@dataclass
class RequestRecord:
    """One request, filled in while it runs."""

    request_id: str
    interface: Interface | None = None
    operation: str | None = None
    user: str | None = None
    # The code of every error answered, once per error (`extensions.code`, `UserError.code`).
    error_codes: list[str] = field(default_factory=list)
    # The first failure nobody expected; the request's log line carries its traceback.
    unexpected: BaseException | None = None
    # Why a probe answered that the service is not ready.
    detail: str | None = None

    def error(self, code: str) -> None:
        """Note one error answered to the client, by its code."""
        self.error_codes.append(code)

    def failed(self, error: BaseException) -> None:
        """Note a failure nobody expected (the first one is logged with its traceback)."""
        if self.unexpected is None:
            self.unexpected = error

    def outcome(self, status: int) -> Outcome:
        """How the request ended, given its HTTP status."""
        if self.unexpected is not None:
            return Outcome.UNEXPECTED_ERROR
        if status >= 500:
            return Outcome.SERVER_ERROR
        if self.error_codes or status >= 400:
            return Outcome.CLIENT_ERROR
        return Outcome.OK


_current: ContextVar[RequestRecord | None] = ContextVar("current_request", default=None)


def current_request() -> RequestRecord:
    """The record of the request being served; a detached one outside any request (a schema
    executed directly in a test), whose notes go nowhere."""
    return _current.get() or RequestRecord(request_id="-")


@contextmanager
def recording(record: RequestRecord) -> Iterator[RequestRecord]:
    """Make `record` the current request's while the block runs."""
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)
