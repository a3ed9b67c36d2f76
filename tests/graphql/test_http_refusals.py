"""Refusals at the HTTP level, before any work: bodies too large to read, media types and
batches that are not served, documents too large for their caller, variables nested too deeply,
and failures that the whole response answers (no database connection in time, an unexpected
error outside any field). Every one of them is JSON."""

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast

import httpx2
import orjson
import pytest
from graphql import GraphQLError, OperationDefinitionNode, parse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.applications import Starlette
from starlette.types import Message

from app.domain.errors import ECHO_LIMIT
from app.graphql.observation import is_unexpected
from app.graphql.transport import nesting_depth
from app.main import create_app
from app.settings import Profile, Settings
from tests.conftest import GraphQLClient, StatementCounter

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json; charset=utf-8"
MIB = 1_048_576
UNAVAILABLE = "The service is too busy to answer; try again shortly."
# A pool's own message names its size and timeout: nothing a client should read.
POOL_MESSAGE = "QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.10"


def refusal(message: str, code: str = "BAD_REQUEST") -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def bearer(gql: GraphQLClient) -> dict[str, str]:
    return {"authorization": f"Bearer {gql.token}"}


def padded(document: str, size: int) -> str:
    """`document` grown to `size` UTF-8 bytes with spaces before its last brace."""
    return document[:-1] + " " * (size - len(document.encode())) + "}"


def nested(depth: int) -> Any:
    """A JSON value of lists nested `depth` levels deep, built without recursion."""
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@contextlib.asynccontextmanager
async def served(settings: Settings, **changes: Any) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of the app under `settings` with `changes`."""
    app = create_app(settings.model_copy(update=changes))
    transport = httpx2.ASGITransport(app=app)
    try:
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http
    finally:
        await app.state.database.dispose()


# the body ----------------------------------------------------------------------------------


async def test_a_body_over_the_limit_is_refused_before_the_token_is_read(
    http: httpx2.AsyncClient, gql: GraphQLClient, statements: StatementCounter
) -> None:
    # Given a body one byte over 1 MiB, sent with a valid token
    body = b'{"query": "{ __typename }", "pad": "' + b"x" * MIB + b'"}'
    statements.counting = True

    # When it is posted
    response = await http.post(
        "/graphql", content=body, headers={**bearer(gql), "content-type": "application/json"}
    )

    # Then it is refused from its Content-Length, before the token's database read
    assert response.status_code == 413
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal(
        f"The request body holds {len(body):,} bytes; at most 1,048,576 are allowed "
        "(MAX_BODY_BYTES).",
        "QUERY_TOO_COMPLEX",
    )
    assert statements.statements == []


async def post_unread(app: Starlette, headers: dict[bytes, bytes]) -> tuple[int, int]:
    """POST a JSON body to /graphql with `headers` at the ASGI level: the status answered,
    and how many times the app asked for the body."""
    reads: list[str] = []
    sent: list[Message] = []

    async def receive() -> Message:
        reads.append("read")
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), *headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    return sent[0]["status"], len(reads)


async def test_a_body_declared_too_large_is_never_read(app: Starlette) -> None:
    # When a request declares a body of 2 MB, then it is answered 413 without reading any of it
    assert await post_unread(app, {b"content-length": b"2000000"}) == (413, 0)


async def test_a_content_length_that_is_no_number_is_a_bad_request(app: Starlette) -> None:
    assert await post_unread(app, {b"content-length": b"lots"}) == (400, 0)


async def test_a_chunked_body_is_read_up_to_the_limit_only(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    # Given a body without Content-Length, sent in chunks of 64 KiB, 2 MiB in all
    chunks_sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "pad": "'
        for number in range(32):
            chunks_sent.append(number)
            yield b"x" * 65_536
        yield b'"}'

    # When it is posted
    response = await http.post(
        "/graphql", content=chunks(), headers={**bearer(gql), "content-type": "application/json"}
    )

    # Then it is refused once past the limit, and the rest is never asked for
    assert response.status_code == 413
    assert response.json() == refusal(
        "The request body holds more than 1,048,576 bytes; at most 1,048,576 are allowed "
        "(MAX_BODY_BYTES).",
        "QUERY_TOO_COMPLEX",
    )
    assert len(chunks_sent) < 32


async def test_a_body_at_the_limit_is_served(http: httpx2.AsyncClient, gql: GraphQLClient) -> None:
    # Given a body of exactly 1 MiB, its padding in an unused variable
    start, end = b'{"query": "{ __typename }", "variables": {"pad": "', b'"}}'
    body = start + b"x" * (MIB - len(start) - len(end)) + end
    assert len(body) == MIB

    response = await http.post(
        "/graphql", content=body, headers={**bearer(gql), "content-type": "application/json"}
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


# media types, methods, batches -------------------------------------------------------------

FORM_REFUSED = (
    "Send a GraphQL request as application/json: form posts and other media types are not accepted."
)


@pytest.mark.parametrize(
    "send",
    [
        pytest.param({"data": {"query": "{ __typename }"}}, id="urlencoded-form"),
        pytest.param(
            {"files": {"operations": (None, '{"query": "{ __typename }"}')}}, id="multipart-form"
        ),
        pytest.param(
            {"content": b'{"query": "{ __typename }"}', "headers": {"content-type": "text/plain"}},
            id="text",
        ),
        pytest.param({"content": b'{"query": "{ __typename }"}'}, id="no-media-type"),
    ],
)
async def test_a_body_that_is_not_json_is_unsupported(
    http: httpx2.AsyncClient, gql: GraphQLClient, send: dict[str, Any]
) -> None:
    response = await http.post("/graphql", **send)

    assert response.status_code == 415
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal(FORM_REFUSED)


async def test_a_refusal_comes_in_the_graphql_media_type_when_accepted(
    http: httpx2.AsyncClient,
) -> None:
    response = await http.post(
        "/graphql", data={"query": "{ __typename }"}, headers={"accept": GRAPHQL_RESPONSE}
    )

    assert response.status_code == 415
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json() == refusal(FORM_REFUSED)


async def test_a_batch_is_refused_with_what_to_send_instead(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    # When five operations are posted as one JSON array
    batch = [{"query": "{ __typename }"} for _ in range(5)]
    response = await http.post("/graphql", json=batch, headers=bearer(gql))

    # Then none runs, and the answer says to send one per request
    assert response.status_code == 400
    assert response.json() == refusal(
        "Batching is not supported: the body is a JSON array. Send one operation per request, "
        "as a JSON object."
    )


async def test_a_mutation_over_get_is_405_naming_post(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    response = await http.get(
        "/graphql",
        params={"query": 'mutation { cancelLead(ref: {number: "5"}) { errors { code } } }'},
        headers=bearer(gql),
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == refusal("Mutations are not allowed over GET: send them with POST.")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_another_method_is_405_naming_get_and_post(
    http: httpx2.AsyncClient, method: str
) -> None:
    response = await http.request(method, "/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal("GraphQL only supports GET and POST requests.")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"{", "Unable to parse request body as JSON", id="bad-json"),
        pytest.param(b"", "Unable to parse request body as JSON", id="empty"),
        pytest.param(b'{"notquery": "{ me { id } }"}', "No GraphQL query found in the request"),
        pytest.param(
            b'{"query": 1}',
            "The GraphQL operation's `query` must be a string or null, if provided.",
            id="query-number",
        ),
        pytest.param(
            b'{"query": "{ __typename }", "variables": []}',
            "The GraphQL operation's `variables` must be an object or null, if provided.",
            id="variables-list",
        ),
        pytest.param(
            b'{"query": "{ __typename }", "operationName": {"a": 1}}',
            "The GraphQL operation's `operationName` must be a string or null, if provided.",
            id="operation-name-object",
        ),
        pytest.param(
            b'{"query": "query A { __typename }", "operationName": "B"}',
            'Unknown operation named "B".',
            id="unknown-operation",
        ),
    ],
)
async def test_a_request_that_is_no_graphql_request_is_a_json_bad_request(
    http: httpx2.AsyncClient, gql: GraphQLClient, body: bytes, message: str
) -> None:
    response = await http.post(
        "/graphql", content=body, headers={**bearer(gql), "content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal(message)


async def test_an_unknown_operation_name_is_not_echoed_whole(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    response = await http.post(
        "/graphql",
        json={"query": "query A { __typename }", "operationName": "B" * 10_000},
        headers=bearer(gql),
    )

    assert response.status_code == 400
    assert response.json() == refusal(
        f'Unknown operation named "{"B" * ECHO_LIMIT}… (10000 characters)".'
    )


# the document and its variables, before parsing ---------------------------------------------


async def test_a_document_over_the_limit_is_refused_with_its_size(gql: GraphQLClient) -> None:
    query = padded("{ __typename }", 65_537)

    response = await gql.post(query)

    assert response.status_code == 413
    assert response.json() == refusal(
        "The document is 65,537 bytes long; at most 65,536 are allowed (MAX_DOCUMENT_BYTES).",
        "QUERY_TOO_COMPLEX",
    )


async def test_a_document_is_measured_in_utf8_bytes(gql: GraphQLClient) -> None:
    # Given a document of 21,846 characters that are 65,538 bytes in UTF-8
    query = '{ __type(name: "' + "€" * 21_843 + '") { name } }'
    size = len(query.encode())
    assert len(query) < 65_536 < size

    response = await gql.post(query)

    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == (
        f"The document is {size:,} bytes long; at most 65,536 are allowed (MAX_DOCUMENT_BYTES)."
    )


@pytest.mark.parametrize("token", [None, "not-a-token"], ids=["no-token", "unknown-token"])
async def test_without_a_valid_token_a_document_is_held_to_8_kib(
    gql: GraphQLClient, token: str | None
) -> None:
    # Given a document of 8 KiB and one byte, which a signed-in user may send
    query = padded("{ __typename }", 8_193)
    assert (await gql.data(query)) == {"__typename": "Query"}

    # When it is sent without a valid token
    response = await gql.post(query, token=token, anonymous=token is None)

    # Then it is refused before it is parsed
    assert response.status_code == 413
    assert response.json() == refusal(
        "The document is 8,193 bytes long; at most 8,192 are allowed without a valid token "
        "(MAX_ANONYMOUS_DOCUMENT_BYTES).",
        "QUERY_TOO_COMPLEX",
    )


async def test_an_anonymous_document_of_8_kib_is_parsed(gql: GraphQLClient) -> None:
    body = await gql(padded("{ __typename }", 8_192), anonymous=True)

    assert body["data"] == {"__typename": "Query"}


async def test_a_document_over_get_is_held_to_the_same_limit(http: httpx2.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": padded("{ __typename }", 9_000)})

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX"}


async def test_variables_nested_1000_deep_are_refused_without_a_python_message(
    gql: GraphQLClient,
) -> None:
    # When a variable is nested 1,000 levels deep (once enough to exhaust the NUL check's stack)
    query = "mutation ($input: CreateLeadInput!) { createLead(input: $input) { lead { id } } }"
    body = orjson.dumps({"query": query, "variables": {"input": "VALUE"}}).replace(
        b'"VALUE"', b"[" * 1_000 + b"1" + b"]" * 1_000
    )
    response = await gql.http.post(
        "/graphql", content=body, headers={**bearer(gql), "content-type": "application/json"}
    )

    # Then it is refused before anything runs, naming the limit
    assert response.status_code == 400
    assert response.json() == refusal(
        "The variables nest 1,000 levels deep; at most 32 are allowed (MAX_VARIABLE_DEPTH).",
        "QUERY_TOO_COMPLEX",
    )


async def test_variables_at_the_depth_limit_reach_the_schema(gql: GraphQLClient) -> None:
    body = await gql(
        "query ($deep: String!) { __type(name: $deep) { name } }", {"deep": nested(32)}
    )

    # (refused by the variable's type, not by its depth)
    assert [error["message"] for error in body["errors"]] == [
        "Variable '$deep' has invalid value: String cannot represent a non string value: [[[...]]]"
    ]


async def test_extensions_nested_too_deeply_are_refused(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    response = await http.post(
        "/graphql",
        json={"query": "{ __typename }", "extensions": {"deep": nested(33)}},
        headers=bearer(gql),
    )

    assert response.status_code == 400
    assert response.json() == refusal(
        "The extensions nest 33 levels deep; at most 32 are allowed (MAX_VARIABLE_DEPTH).",
        "QUERY_TOO_COMPLEX",
    )


@pytest.mark.parametrize(
    ("value", "depth"),
    [
        ("text", 0),
        (None, 0),
        ([], 1),
        ({"a": 1}, 1),
        ({"a": [{"b": 2}], "c": 3}, 3),
        ([[], [[[]]], []], 4),
    ],
)
def test_nesting_depth(value: object, depth: int) -> None:
    assert nesting_depth(value) == depth


def test_nesting_depth_has_no_recursion_limit() -> None:
    assert nesting_depth(nested(100_000)) == 100_000


# GraphQL over HTTP: request errors ---------------------------------------------------------

SEVERAL = "query First { __typename } query Second { me { username } }"


@pytest.mark.parametrize(("accept", "status"), [("application/json", 200), (GRAPHQL_RESPONSE, 400)])
async def test_several_operations_without_a_name_are_a_request_error(
    gql: GraphQLClient, accept: str, status: int
) -> None:
    response = await gql.post(SEVERAL, headers={"accept": accept})

    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert [error["message"] for error in body["errors"]] == [
        "Must provide operation name if query contains multiple operations."
    ]


async def test_several_operations_run_the_one_named(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    response = await http.post(
        "/graphql", json={"query": SEVERAL, "operationName": "Second"}, headers=bearer(gql)
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"me": {"username": "MPAdministrator"}}


@pytest.mark.parametrize(("accept", "status"), [("application/json", 200), (GRAPHQL_RESPONSE, 400)])
async def test_variables_that_do_not_fit_are_a_request_error(
    gql: GraphQLClient, accept: str, status: int
) -> None:
    response = await gql.post(
        "query ($name: String!) { __type(name: $name) { name } }",
        {"name": None},
        headers={"accept": accept},
    )

    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert [error["message"] for error in body["errors"]] == [
        "Variable '$name' has invalid value: Expected value of non-null type 'String!' not to "
        "be None."
    ]


async def test_a_gate_during_execution_keeps_data_null(gql: GraphQLClient) -> None:
    # When an anonymous caller sends variables that do not fit to an operation that needs a token
    body = await gql(
        "query ($n: Int!) { leads(first: $n) { totalCount } }", {"n": "x"}, anonymous=True
    )

    # Then it is told to sign in, not what its variables lack
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]


async def test_graphiql_is_not_found_in_production(settings: Settings) -> None:
    async with served(settings, profile=Profile.PRODUCTION) as http:
        response = await http.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 404
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal(
        "There is no explorer here in production: send GraphQL requests with POST.", "NOT_FOUND"
    )


async def test_graphiql_assets_are_not_served_in_production(settings: Settings) -> None:
    # When the explorer's script is asked for in production
    async with served(settings, profile=Profile.PRODUCTION) as http:
        response = await http.get("/graphql/static/graphiql.min.js")

    # Then nothing is served there, and the refusal is JSON like every other
    assert response.status_code == 404
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal("Nothing is served at this path.", "NOT_FOUND")


async def test_an_unknown_path_is_a_json_404(http: httpx2.AsyncClient) -> None:
    response = await http.get("/graphq")

    assert response.status_code == 404
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal("Nothing is served at this path.", "NOT_FOUND")


# no database connection in time ------------------------------------------------------------


def unavailable_response(response: httpx2.Response, retry_after: str = "5") -> None:
    """503, asking to try again once the pool's timeout (by default 5 s) has passed."""
    assert response.status_code == 503
    assert response.headers["retry-after"] == retry_after
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal(UNAVAILABLE, "SERVICE_UNAVAILABLE")


@contextlib.asynccontextmanager
async def every_connection_held(engine: AsyncEngine) -> AsyncIterator[None]:
    """Holds connections of `engine`'s pool until it refuses one more."""
    held: list[AsyncConnection] = []
    try:
        with contextlib.suppress(PoolTimeout):
            for _ in range(100):
                held.append(await engine.connect())
        yield
    finally:
        for connection in held:
            await connection.close()


async def test_a_token_that_cannot_be_read_in_time_is_503(
    settings: Settings, gql: GraphQLClient
) -> None:
    # Given a pool of one connection (on SQLite, SQLAlchemy's own pool), every one held
    changes = {
        "database_pool_size": 1,
        "database_max_overflow": 0,
        "database_pool_timeout_seconds": 0.1,
    }
    app = create_app(settings.model_copy(update=changes))
    transport = httpx2.ASGITransport(app=app)
    me = {"query": "{ me { username } }"}
    try:
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            database = app.state.database
            async with every_connection_held(database.key_read_engine or database.read_engine):
                # When a signed-in request comes, whose token must be read
                response = await http.post("/graphql", json=me, headers=bearer(gql))
            # and again once the connections are back
            again = await http.post("/graphql", json=me, headers=bearer(gql))
    finally:
        await app.state.database.dispose()

    # Then it is 503 with Retry-After, in JSON, and the next one is served
    unavailable_response(response, retry_after="1")
    assert again.json()["data"] == {"me": {"username": "MPAdministrator"}}


async def test_a_resolver_that_cannot_get_a_connection_makes_the_whole_response_503(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def pool_timeout(*args: Any, **kwargs: Any) -> Any:
        raise PoolTimeout(POOL_MESSAGE)

    monkeypatch.setattr("app.domain.leads.queries.find_leads", pool_timeout)

    response = await gql.post("{ leads { totalCount } me { username } }")

    unavailable_response(response)


def failing_hook(error: Exception) -> Any:
    """A schema extension's hook that raises `error`."""

    def hook(self: Any) -> Iterator[None]:
        raise error
        yield

    return hook


async def test_an_extension_that_cannot_get_a_connection_is_503(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "app.graphql.nul_text.NulTextGuard.on_execute", failing_hook(PoolTimeout(POOL_MESSAGE))
    )

    response = await gql.post("{ me { username } }")

    unavailable_response(response)


# unexpected failures outside any field -----------------------------------------------------


def unexpected_response(response: httpx2.Response) -> None:
    assert response.status_code == 500
    assert response.headers["content-type"] == JSON
    assert response.json() == refusal("Unexpected error.", "INTERNAL_SERVER_ERROR")


def logged_failure(caplog: pytest.LogCaptureFixture) -> str:
    """The one error line of the request, with its traceback."""
    (line,) = [
        record
        for record in caplog.records
        if record.name == "leads.request" and record.levelname == "ERROR"
    ]
    return line.getMessage()


async def test_a_failure_while_reading_the_token_is_masked_and_logged(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret SQL")

    monkeypatch.setattr("app.graphql.http.authenticate", broken)

    response = await gql.post("{ me { username } }")

    unexpected_response(response)
    assert "secret SQL" in logged_failure(caplog)


async def test_a_failure_in_an_extension_is_masked_and_logged(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        "app.graphql.nul_text.NulTextGuard.on_execute", failing_hook(KeyError("secret key"))
    )

    response = await gql.post("{ me { username } }")

    unexpected_response(response)
    assert "secret key" in logged_failure(caplog)


def test_is_unexpected() -> None:
    (operation,) = parse("query ($v: Int) { a }").definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert operation.variable_definitions is not None
    variable = operation.variable_definitions[0]
    # A resolver's exception, and an extension's (neither path nor place in the document)
    assert is_unexpected(GraphQLError("boom", path=["a"], original_error=RuntimeError()))
    assert is_unexpected(GraphQLError("boom", original_error=RuntimeError()))
    # A value its scalar refused, placed in the document; errors raised on purpose
    assert not is_unexpected(GraphQLError("bad", nodes=[variable], original_error=ValueError()))
    assert not is_unexpected(GraphQLError("refused", original_error=GraphQLError("refused")))
    assert not is_unexpected(GraphQLError("refused", path=["a"]))


@pytest.mark.parametrize(
    "where", ["app.graphql.http.authenticate", "app.domain.leads.queries.find_leads"]
)
async def test_a_pool_timeout_is_a_warning_without_a_traceback(
    gql: GraphQLClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    where: str,
) -> None:
    # Given the pool that cannot hand out a connection in time, reading the token or a page
    async def pool_timeout(*args: Any, **kwargs: Any) -> Any:
        raise PoolTimeout(POOL_MESSAGE)

    monkeypatch.setattr(where, pool_timeout)

    # When a request comes
    response = await gql.post("{ leads { totalCount } }")

    # Then it is 503, and its log line is a warning naming SERVICE_UNAVAILABLE, no traceback
    unavailable_response(response)
    [line] = [record for record in caplog.records if record.name == "leads.request"]
    assert line.levelname == "WARNING"
    # structlog hands the record its event's fields, where the standard library expects text
    fields = cast(dict[str, Any], line.msg)
    assert fields["outcome"] == "server_error"
    assert fields["codes"] == ["SERVICE_UNAVAILABLE"]
    assert "exception" not in fields
