"""The executor the schema runs with: graphql-core's, except where a value's selection can
be planned. There, what the selection reads is fetched for the whole value in a few joined
statements and the response is built straight from the rows; the standard completion takes
over for any field a plan does not cover, and for the whole value when it leaves the plan's
path (then errors read exactly as they always do).

A query whose root fields all read by key, and whose plans leave nothing to the standard
executor, reads everything by key (the plans fetch along foreign keys): it shares a key
reader's session, where there are any."""

from collections import OrderedDict
from collections.abc import Sequence
from copy import copy
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLUnionType,
    OperationType,
)
from graphql.execution.collect_fields import DeferUsage, FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

from app.graphql.context import Context
from app.graphql.planned.building import (
    ContextInfo,
    Run,
    UnplannableError,
    build,
    fetch,
    run_delegations,
)
from app.graphql.planned.plans import DEFINITION, Compiled, Compiler, NotPlannedError
from app.graphql.records import BY_KEY

# Plans kept per process, most recently used last.
PLANS_KEPT = 1_000

PlanKey = tuple[Any, ...]
_plans: OrderedDict[PlanKey, tuple[tuple[Any, ...], Compiled | None]] = OrderedDict()


def _named(output: GraphQLOutputType) -> Any:
    named: Any = output
    while isinstance(named, GraphQLNonNull | GraphQLList):
        named = named.of_type
    return named


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, completing the values of root fields by plans where it can.

    Only root fields are planned: a plan fetches for the whole value at once, so a plan
    below another would fetch once per object. The fields a plan leaves to the standard
    executor, and values it gives up on, are completed by a copy that plans nothing.
    """

    planning = True

    def execute_operation(self, serially: bool | None = None) -> Any:
        context = self.context_value
        if not isinstance(context, Context):
            return super().execute_operation(serially)
        if self.operation.operation is OperationType.QUERY:
            return self._execute_reading_once(context, serially)
        return self._execute_reading_apart(context, serially)

    async def _execute_reading_once(self, context: Context, serially: bool | None) -> Any:
        """The query, with every read of it in one session (the token's)."""
        async with context.reads.shared():
            result = super().execute_operation(serially)
            return await result if self.is_awaitable(result) else result

    async def _execute_reading_apart(self, context: Context, serially: bool | None) -> Any:
        """The mutation, the token's session closed first: each of its reads opens its own."""
        await context.reads.close()
        result = super().execute_operation(serially)
        return await result if self.is_awaitable(result) else result

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        new_defer_usages: Sequence[DeferUsage],
    ) -> AwaitableOrValue[dict[str, Any]]:
        context = self.context_value
        if (
            self.operation.operation is OperationType.QUERY
            and isinstance(context, Context)
            and context.settings.planned_execution
            and self._reads_by_key(root_type, grouped_field_set)
        ):
            context.reads.read_by_key()
        return super().execute_collected_root_fields(
            root_type, root_value, grouped_field_set, serially, new_defer_usages
        )

    def _reads_by_key(self, root_type: GraphQLObjectType, grouped: GroupedFieldSet) -> bool:
        """Whether every root field reads by key, and its plan (when its value has fields)
        covers the whole selection: what the plans fetch, they fetch by the rows' keys."""
        for nodes in grouped.values():
            name = nodes[0].node.name.value
            if name == "__typename":
                continue
            graphql_field = root_type.fields.get(name)
            if graphql_field is None:  # introspection's __schema and __type
                return False
            definition = graphql_field.extensions.get(DEFINITION)
            if not isinstance(definition, StrawberryField) or not definition.metadata.get(BY_KEY):
                return False
            if isinstance(_named(graphql_field.type), GraphQLObjectType | GraphQLUnionType):
                compiled = self._compiled(graphql_field.type, nodes)
                if compiled is None or compiled.root.delegates:
                    return False
        return True

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        context = self.context_value
        if (
            self.planning
            and path.prev is None
            and result is not None
            and not isinstance(result, Exception)
            and isinstance(context, Context)
            and context.settings.planned_execution
            and isinstance(_named(return_type), GraphQLObjectType | GraphQLUnionType)
        ):
            compiled = self._compiled(return_type, field_details_list)
            if compiled is not None:
                return self._complete_planned(
                    compiled, return_type, field_details_list, info, path, result, position_context
                )
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _compiled(self, return_type: GraphQLOutputType, nodes: FieldDetailsList) -> Compiled | None:
        """The plan for this selection: compiled once, kept while its document lives here.

        Keyed by the field nodes (held, so that their ids stay theirs) and by the Boolean
        variables, which `@include` and `@skip` may read.
        """
        field_nodes = tuple(details.node for details in nodes)
        switches = tuple(
            sorted(
                (name, value)
                for name, value in self.variable_values.coerced.items()
                if isinstance(value, bool)
            )
        )
        key = (return_type, tuple(map(id, field_nodes)), switches)
        kept = _plans.get(key)
        if kept is not None and all(a is b for a, b in zip(kept[0], field_nodes, strict=True)):
            _plans.move_to_end(key)
            return kept[1]
        try:
            compiled: Compiled | None = Compiler(self).compile(return_type, nodes)
        except NotPlannedError:
            compiled = None
        _plans[key] = (field_nodes, compiled)
        if len(_plans) > PLANS_KEPT:
            _plans.popitem(last=False)
        return compiled

    async def _complete_planned(
        self,
        compiled: Compiled,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        context = self.context_value
        standard = copy(self)
        standard.planning = False
        run = Run(standard, compiled, ContextInfo(context))
        await fetch(run, context.reads, result)
        try:
            data = build(run, result, path)
        except UnplannableError:
            completed = standard.complete_value(
                return_type, field_details_list, info, path, result, position_context
            )
            return await completed if self.is_awaitable(completed) else completed
        if run.delegations:
            await run_delegations(run)
        return data
