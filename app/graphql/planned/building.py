"""Running a plan: find the rows met before any fetch, fetch what the plan reads around them
in one session, build the response from the rows, then hand the fields left to the standard
executor over to it, nulling as GraphQL does when one of them fails."""

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, Undefined
from graphql.pyutils import Path

from app.db import Reader
from app.domain.models import Entity
from app.domain.related import Related, RowRecord, fetch_related
from app.graphql.planned.generated import builder_of
from app.graphql.planned.plans import Compiled, ObjectPlan, Shape, Step, UnionPlan
from app.graphql.records import from_row


class UnplannableError(Exception):
    """The values at hand leave the plan's path (a null where GraphQL forbids one, a value
    its type refuses, a record missing): the standard executor completes them instead, and
    says what is wrong exactly as it always does."""


@dataclass
class Position:
    """Where a built object sits, so that a failure below can null the nearest nullable
    ancestor, as GraphQL's error propagation does."""

    parent: "Position | None"
    container: Any
    key: Any
    nullable: bool
    path: Path


@dataclass
class ContextInfo:
    """What resolvers read of `info` when a plan calls them: the request's context."""

    context: Any


@dataclass
class Delegation:
    """A field left to the standard executor, to run once the rest is built."""

    step: Step
    parent_type: Any
    source: Any
    out: dict[str, Any]
    position: Position


@dataclass
class Run:
    """One run of a plan over the values a resolver returned."""

    executor: Any
    compiled: Compiled
    info: ContextInfo
    related: Related = field(default_factory=Related)
    objects: dict[tuple[type, str], Any] = field(default_factory=dict)
    delegations: list[Delegation] = field(default_factory=list)

    # Readers, as the plans' steps call them.

    def record_object(self, target: type, model: type[Entity], record_id: str | None) -> Any:
        """The `target` object for the fetched record of `model` named `record_id`."""
        if record_id is None:
            return None
        key = (target, record_id)
        found = self.objects.get(key)
        if found is None:
            record = self.related.record(model, record_id)
            if record is None:
                raise UnplannableError
            found = self.objects[key] = from_row(target, record)  # type: ignore[arg-type]
        return found

    def items_of(self, model: type[Entity], foreign_key: str, owner_id: str) -> list[RowRecord]:
        """The fetched items of `model` pointing at `owner_id`."""
        items = self.related.items_of(model, foreign_key, owner_id)
        if items is None:
            raise UnplannableError
        return items


def _walk(
    plan: ObjectPlan | UnionPlan, value: Any, rows: dict[type[Entity], dict[str, Any]]
) -> None:
    """Collect the rows of the objects met before any fetch."""
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _walk(plan, item, rows)
        return
    if isinstance(plan, UnionPlan):
        member = plan.members.get(type(value))
        if member is not None:
            _walk(member, value, rows)
        return
    if plan.row_model is not None:
        rows.setdefault(plan.row_model, {})[value.row.id] = value.row
    for step in plan.steps:
        if step.walked and step.attribute is not None and step.plan is not None:
            _walk(step.plan, getattr(value, step.attribute), rows)


async def fetch(run: Run, reader: Reader, value: Any) -> None:
    """Fetch everything the plan reads around `value`, in one session: per table of the rows
    met first, one joined statement for their to-one references and one per item table."""
    follows = {model: follow for model, follow in run.compiled.follows.items() if follow.reads}
    if not follows:
        return
    rows: dict[type[Entity], dict[str, Any]] = {}
    _walk(run.compiled.root, value, rows)
    async with reader() as session:
        for model, found in rows.items():
            follow = follows.get(model)
            if follow is not None:
                fetched = await fetch_related(session, follow, list(found), run.compiled.columns)
                run.related.merge(fetched)


def build(run: Run, value: Any, path: Path) -> Any:
    """The completed response for `value`; `UnplannableError` when it leaves the plan's path."""
    compiled = run.compiled
    if not compiled.root.delegates:
        return _complete(run, compiled.root, compiled.shape, 0, value, None, None)
    holder: list[Any] = [None]
    position = Position(None, holder, 0, False, path)
    holder[0] = _complete(run, compiled.root, compiled.shape, 0, value, position, path)
    return holder[0]


def _complete(
    run: Run,
    plan: ObjectPlan | UnionPlan | None,
    shape: Shape,
    depth: int,
    value: Any,
    position: Position | None,
    path: Path | None,
) -> Any:
    """Complete `value` at list depth `depth` of `shape` (leaves when `plan` is None)."""
    if value is None:
        return None
    if depth < len(shape.items_non_null):
        item_non_null = shape.items_non_null[depth]
        out: list[Any] = [None] * len(value)
        for index, item in enumerate(value):
            item_path = None if path is None else Path(path, index, None)
            item_position = (
                None
                if position is None
                else Position(position, out, index, not item_non_null, item_path)  # type: ignore[arg-type]
            )
            completed = _complete(run, plan, shape, depth + 1, item, item_position, item_path)
            if completed is None and item_non_null:
                raise UnplannableError
            out[index] = completed
        return out
    if plan is None:
        raise UnplannableError
    if isinstance(plan, UnionPlan):
        member = plan.members.get(type(value))
        if member is None:
            raise UnplannableError
        plan = member
    if position is None:
        return builder_of(plan, _HELPERS)(value, run)
    return _object(run, plan, value, position, path)


def _object(
    run: Run, plan: ObjectPlan, source: Any, position: Position | None, path: Path | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step in plan.steps:
        key = step.key
        if step.delegated is not None:
            assert position is not None
            out[key] = None
            run.delegations.append(Delegation(step, plan.object_type, source, out, position))
            continue
        attribute = step.attribute
        try:
            value = getattr(source, attribute) if attribute is not None else step.read(source, run)
        except UnplannableError:
            raise
        except Exception as error:
            raise UnplannableError from error
        if value is None:
            if step.shape.non_null:
                raise UnplannableError
            out[key] = None
            continue
        coerce = step.coerce
        if coerce is not None:
            if value.__class__ is step.unchanged:
                out[key] = value
                continue
            if step.shape.items_non_null:
                out[key] = _leaves(value, coerce, step.shape, 0)
                continue
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                raise UnplannableError
            out[key] = coerced
            continue
        if position is None:
            out[key] = _complete(run, step.plan, step.shape, 0, value, None, None)
            continue
        field_path = Path(path, key, plan.object_type.name)
        field_position = Position(position, out, key, not step.shape.non_null, field_path)
        out[key] = _complete(run, step.plan, step.shape, 0, value, field_position, field_path)
    return out


def _leaves(value: Any, coerce: Any, shape: Shape, depth: int) -> Any:
    if depth == len(shape.items_non_null):
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise UnplannableError
        return coerced
    non_null = shape.items_non_null[depth]
    out: list[Any] = []
    for item in value:
        if item is None:
            if non_null:
                raise UnplannableError
            out.append(None)
        else:
            out.append(_leaves(item, coerce, shape, depth + 1))
    return out


async def run_delegations(run: Run) -> None:
    """Run the fields left to the standard executor, and null upwards as GraphQL does for
    a failure in a non-null field."""
    pending: list[tuple[Delegation, Awaitable[Any]]] = []
    failures: list[GraphQLError] = []
    for delegation in run.delegations:
        step = delegation.step
        assert step.delegated is not None
        path = Path(delegation.position.path, step.key, delegation.parent_type.name)
        try:
            result = run.executor.execute_field(
                delegation.parent_type, delegation.source, step.delegated, path, None
            )
        except GraphQLError as error:
            failures += _propagate(run, delegation.position, error)
            continue
        if run.executor.is_awaitable(result):
            pending.append((delegation, result))
        elif result is not Undefined:
            delegation.out[step.key] = result
    results = await asyncio.gather(*(work for _, work in pending), return_exceptions=True)
    for (delegation, _), result in zip(pending, results, strict=True):
        if isinstance(result, GraphQLError):
            failures += _propagate(run, delegation.position, result)
        elif isinstance(result, BaseException):
            raise result
        else:
            delegation.out[delegation.step.key] = result
    if failures:
        raise failures[0]


def _propagate(run: Run, position: Position, error: GraphQLError) -> list[GraphQLError]:
    """Null the nearest nullable object at or above `position`, recording `error` there; at
    the plan's root, the error is the executor's above (returned)."""
    current: Position | None = position
    while current is not None and current.parent is not None:
        if current.nullable:
            current.container[current.key] = None
            run.executor.collected_errors.add(error, current.path)
            return []
        current = current.parent
    return [error]


# What generated builders call.
_HELPERS: dict[str, Any] = {
    "complete": _complete,
    "leaves": _leaves,
    "Unplannable": UnplannableError,
}
