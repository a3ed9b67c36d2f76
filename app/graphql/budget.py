"""The cost of each request, checked against the per-request maximum, spent from its
caller's budget of points (`app/security/rate_limits.py`), and shown to the client.

Every answer of the schema carries `extensions.cost` and the `RateLimit-Policy` and
`RateLimit` header fields of draft-ietf-httpapi-ratelimit-headers. A signed-in caller's budget
is their user's; an anonymous caller's is their client address's.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from app.domain.errors import ErrorCode
from app.domain.leads.queries import MAX_PAGE_SIZE
from app.graphql.auth import is_public
from app.graphql.context import Context
from app.graphql.cost import PAGE_ARGUMENT, QueryCost, remembered_cost
from app.graphql.observation import SERVICE_UNAVAILABLE
from app.graphql.transport import QUERY_TOO_COMPLEX, UNAVAILABLE_MESSAGE
from app.observability.requests import current_request
from app.security.clients import client_address
from app.security.rate_limits import POLICY, Budgets, BudgetStatus, CountersUnavailableError
from app.settings import Settings

QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
THROTTLED = ErrorCode.THROTTLED.value


def request_maximum(settings: Settings) -> tuple[int, str]:
    """The most one request may cost, and the setting that says so: a request costing more
    than a whole budget could never be afforded."""
    if settings.rate_limit_points < settings.max_query_cost:
        return settings.rate_limit_points, "RATE_LIMIT_POINTS"
    return settings.max_query_cost, "MAX_QUERY_COST"


def refusal(cost: QueryCost, settings: Settings) -> GraphQLError | None:
    """Why a request may not run at all, whatever its caller has left."""
    if cost.oversized is not None:
        page = cost.oversized
        return GraphQLError(
            f"The argument `{PAGE_ARGUMENT}` of `{page.field}` asks for {page.value} items; "
            f"at most {MAX_PAGE_SIZE} are allowed.",
            nodes=[page.node],
            extensions={"code": QUERY_TOO_COMPLEX, "value": page.value, "maximum": MAX_PAGE_SIZE},
        )
    maximum, setting = request_maximum(settings)
    if cost.points > maximum:
        return GraphQLError(
            f"The query costs {cost.points} points; at most {maximum} are allowed per request "
            f"({setting}).",
            extensions={"code": QUERY_TOO_COSTLY, "cost": cost.points, "maximum": maximum},
        )
    return None


def throttled(cost: int, available: int, wait: int) -> GraphQLError:
    """The answer to a request that costs more than its caller has left."""
    seconds = "second" if wait == 1 else "seconds"
    return GraphQLError(
        f"The query costs {cost} points and {available} of your budget are left; "
        f"try again in {wait} {seconds}.",
        extensions={"code": THROTTLED, "cost": cost, "retryAfter": wait},
    )


def caller(context: Context) -> str:
    """Whose budget a request spends: the signed-in user's, or the client address's."""
    if context.user is not None:
        return f"user:{context.user.id}"
    return f"address:{client_address(context.request)}"


class QueryBudget(SchemaExtension):
    """Refuses a request that asks for more than a page or costs more than the maximum
    before it is executed; spends the cost of the others from their caller's budget, and
    answers THROTTLED (HTTP 429, `Retry-After`) when too little is left."""

    def __init__(self) -> None:
        self.cost = QueryCost(0)
        self.status: BudgetStatus | None = None

    def on_validate(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        context: Context = execution.context
        document = execution.graphql_document
        if execution.pre_execution_errors or document is None:
            return
        # An anonymous caller of anything but sign-in is told to sign in, by the gate.
        if context.user is None and not is_public(
            document, execution.operation_name, context.settings
        ):
            return
        self.cost = remembered_cost(
            execution.schema._schema, document, execution.operation_name, execution.variables
        )
        error = refusal(self.cost, context.settings)
        if error is not None:
            execution.pre_execution_errors = [error]
            execution.result = ExecutionResult(data=None, errors=[error])

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context: Context = execution.context
        points = self.cost.points
        if execution.result is None and points > 0:
            budgets = Budgets(context.counters, context.settings)
            try:
                if not await budgets.spend(caller(context), points):
                    self.status = await budgets.status(caller(context))
                    self._throttle(points, self.status)
            except CountersUnavailableError as unavailable:
                # Refused rather than let through uncounted (the view answers SERVICE_UNAVAILABLE
                # with 503 and `Retry-After`); the request's log line says why.
                current_request().failed(unavailable)
                error = GraphQLError(UNAVAILABLE_MESSAGE, extensions={"code": SERVICE_UNAVAILABLE})
                execution.result = ExecutionResult(data=None, errors=[error])
        yield

    def _throttle(self, points: int, status: BudgetStatus) -> None:
        wait = status.seconds_to_afford(points)
        error = throttled(points, status.available, wait)
        self.execution_context.result = ExecutionResult(data=None, errors=[error])
        response = self.execution_context.context.response
        if isinstance(response, Response):
            response.status_code = 429
            response.headers["retry-after"] = str(wait)

    async def get_results(self) -> dict[str, Any]:
        context: Context = self.execution_context.context
        budgets = Budgets(context.counters, context.settings)
        status = self.status
        if status is None:
            try:
                status = await budgets.status(caller(context))
            except CountersUnavailableError:
                status = None  # the answer is SERVICE_UNAVAILABLE, or has no budget to show
        if isinstance(context.response, Response):
            headers = context.response.headers
            headers["ratelimit-policy"] = (
                f'"{POLICY}";q={budgets.points};w={budgets.window_seconds}'
            )
            if status is not None:
                headers["ratelimit"] = f'"{POLICY}";r={status.available};t={status.seconds_to_more}'
        throttle = None
        if status is not None:
            throttle = {"currentlyAvailable": status.available, "restoreRate": status.restore_rate}
        cost = {
            "requestedQueryCost": self.cost.points,
            "maximumAvailable": context.settings.max_query_cost,
            "throttleStatus": throttle,
        }
        return {"cost": cost}
