"""Reading a GraphQL request off HTTP, and every refusal at the HTTP level, always in JSON.

What can be refused before the document is parsed is refused here: a body that is no JSON, or
too large to read; a batch; a document too large for the caller (anonymous callers get much
less); variables nested too deeply. Failures that the whole response must answer (no database
connection in time, an unexpected error outside execution) are answered here too.
"""

import math
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from app.domain.errors import ErrorCode, echoed
from app.graphql.media import GRAPHQL_RESPONSE, prefers_graphql_response
from app.graphql.observation import INTERNAL_ERROR, SERVICE_UNAVAILABLE
from app.security.bodies import BodyRefusedError, read_capped
from app.settings import Settings

BAD_REQUEST = "BAD_REQUEST"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
NOT_FOUND = ErrorCode.NOT_FOUND.value
JSON = "application/json"

UNEXPECTED_MESSAGE = "Unexpected error."
UNAVAILABLE_MESSAGE = "The service is too busy to answer; try again shortly."


class RefusalError(Exception):
    """A request answered with one error and no data, at an HTTP status of its own.

    `recorded` says whether the request's record already holds the error (it does when the
    schema noted it while executing); otherwise answering notes it.
    """

    def __init__(
        self,
        status: int,
        message: str,
        code: str = BAD_REQUEST,
        headers: Mapping[str, str] | None = None,
        *,
        recorded: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})
        self.recorded = recorded


def refusal_response(request: Request, refusal: RefusalError) -> Response:
    """The JSON answer to a refusal, in the GraphQL response media type when accepted."""
    body = {"errors": [{"message": refusal.message, "extensions": {"code": refusal.code}}]}
    media_type = GRAPHQL_RESPONSE if prefers_graphql_response(request) else JSON
    return Response(
        orjson.dumps(body),
        status_code=refusal.status,
        headers=refusal.headers,
        media_type=f"{media_type}; charset=utf-8",
    )


# Before the body is read -----------------------------------------------------------------


def body_media_type(request: Request) -> str:
    """The media type of a request's body, without parameters, in lower case ('' when none
    is named)."""
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


async def read_body(request: Request, limit: int) -> None:
    """Read a POST body once, at most `limit` bytes, where Starlette's `Request.body()` (and so
    Strawberry) finds it. A body that is not JSON (a form post) is refused unread; so is one
    whose Content-Length is over the limit; one without (chunked) as soon as it passes it."""
    if body_media_type(request) != JSON:
        raise RefusalError(
            415,
            "Send a GraphQL request as application/json: form posts and other media types "
            "are not accepted.",
        )
    try:
        await read_capped(request, limit)
    except BodyRefusedError as refused:
        if refused.too_large:
            raise RefusalError(413, str(refused), QUERY_TOO_COMPLEX) from None
        raise RefusalError(400, str(refused)) from None


# Before the document is parsed -----------------------------------------------------------


def check_request(data: GraphQLRequestData, *, signed_in: bool, settings: Settings) -> None:
    """Refuse a request whose operation name is no string, whose document is larger than the
    caller may send (a caller without a valid token may send much less), or whose variables
    or extensions nest deeper than allowed."""
    if not isinstance(data.operation_name, str | None):
        raise RefusalError(
            400, "The GraphQL operation's `operationName` must be a string or null, if provided."
        )
    if data.query is not None:
        _check_document_size(data.query, signed_in=signed_in, settings=settings)
    for name, value in (("variables", data.variables), ("extensions", data.extensions)):
        depth = max(map(nesting_depth, (value or {}).values()), default=0)
        if depth > settings.max_variable_depth:
            raise RefusalError(
                400,
                f"The {name} nest {depth:,} levels deep; at most "
                f"{settings.max_variable_depth:,} are allowed (MAX_VARIABLE_DEPTH).",
                QUERY_TOO_COMPLEX,
            )


def _check_document_size(query: str, *, signed_in: bool, settings: Settings) -> None:
    size = len(query.encode("utf-8", "surrogatepass"))
    if signed_in:
        limit, setting, caller = settings.max_document_bytes, "MAX_DOCUMENT_BYTES", ""
    else:
        limit, setting = settings.max_anonymous_document_bytes, "MAX_ANONYMOUS_DOCUMENT_BYTES"
        caller = " without a valid token"
    if size > limit:
        raise RefusalError(
            413,
            f"The document is {size:,} bytes long; at most {limit:,} are allowed{caller} "
            f"({setting}).",
            QUERY_TOO_COMPLEX,
        )


def nesting_depth(value: object) -> int:
    """How deeply a JSON value nests objects and lists: 0 for a scalar, 1 for `[1]` or
    `{"a": 1}`. Counted without recursion, so that no depth can exhaust the stack."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = _children(item)
        if children is not None:
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _children(value: object) -> Iterator[Any] | None:
    if isinstance(value, dict):
        return iter(value.values())
    if isinstance(value, list):
        return iter(value)
    return None


def batch_refused() -> RefusalError:
    """A body that is a JSON array: several operations at once, which this server does not run."""
    return RefusalError(
        400,
        "Batching is not supported: the body is a JSON array. Send one operation per request, "
        "as a JSON object.",
    )


def path_not_found() -> RefusalError:
    """A path the app does not serve."""
    return RefusalError(404, "Nothing is served at this path.", NOT_FOUND)


def explorer_not_found() -> RefusalError:
    """The GraphiQL page, which production does not serve."""
    return RefusalError(
        404,
        "There is no explorer here in production: send GraphQL requests with POST.",
        NOT_FOUND,
    )


# Strawberry's refusals ---------------------------------------------------------------------


def from_http_exception(error: HTTPException) -> RefusalError:
    """Strawberry's plain-text refusal as a JSON one: a mutation sent with GET is a 405 that
    names the method to use, and an unknown operation's name is not echoed whole."""
    cause = error.__cause__
    if (
        isinstance(cause, InvalidOperationTypeError)
        and cause.operation_type is OperationType.MUTATION
    ):
        return RefusalError(
            405,
            "Mutations are not allowed over GET: send them with POST.",
            headers={"allow": "POST"},
        )
    if isinstance(cause, CannotGetOperationTypeError) and cause.operation_name is not None:
        return RefusalError(400, f'Unknown operation named "{echoed(cause.operation_name)}".')
    if error.status_code == 405:
        return RefusalError(405, error.reason, headers={"allow": "GET, POST"})
    return RefusalError(error.status_code, error.reason)


# Failures the whole response answers -------------------------------------------------------


def unavailable(settings: Settings, *, recorded: bool = False) -> RefusalError:
    """503: no database connection came free in time; try again after as long as the wait
    was (`Retry-After`, whole seconds)."""
    retry_after = math.ceil(settings.database_pool_timeout_seconds)
    return RefusalError(
        503,
        UNAVAILABLE_MESSAGE,
        SERVICE_UNAVAILABLE,
        {"retry-after": str(retry_after)},
        recorded=recorded,
    )


def unexpected(*, recorded: bool = False) -> RefusalError:
    """500: a failure nobody expected, outside any field (its details stay in the log)."""
    return RefusalError(500, UNEXPECTED_MESSAGE, INTERNAL_ERROR, recorded=recorded)
