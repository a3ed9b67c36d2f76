"""Plans: a validated selection compiled, once, into what to fetch and how to build the
response from the rows.

A plan is made per object type and group of field nodes, with graphql-core's own field
collection (fragments, `@include`/`@skip`, type conditions). Each field becomes one step:
- a plain attribute or a resolver without arguments that computes from the object itself
  (a period, the source union, `assignedTo`): read directly;
- a field declared with a link (`records.to_one`, `records.items`): its
  records are fetched up front for the whole response, along the foreign keys, and read from
  there;
- anything else (arguments, other resolvers): left to the standard executor, field by field.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, get_args

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    GraphQLUnionType,
)
from graphql.execution.collect_fields import CollectedFields, FieldDetailsList
from strawberry.types.field import StrawberryField

from app.domain.models import Entity
from app.domain.related import Columns, Follow, columns_of
from app.graphql.records import LINK, Items, ToOne, from_row, plain_fields

DEFINITION = "strawberry-definition"


class Collector(Protocol):
    """What plans are compiled with: the executor's memoised field collection."""

    def collect_subfields(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> CollectedFields: ...


class NotPlannedError(Exception):
    """The selection holds something plans do not cover; the standard executor completes it."""


@dataclass(frozen=True)
class Shape:
    """How a value nests: through non-null and list wrappers, down to its named type."""

    non_null: bool
    # Whether each level of list nesting is non-null, outermost first; () for no list.
    items_non_null: tuple[bool, ...]

    @classmethod
    def of(cls, output: GraphQLOutputType) -> tuple["Shape", Any]:
        """The shape of `output` and the named type inside."""
        inner: Any = output
        non_null = isinstance(inner, GraphQLNonNull)
        if non_null:
            inner = inner.of_type
        items: list[bool] = []
        while isinstance(inner, GraphQLList):
            item: Any = inner.of_type
            items.append(isinstance(item, GraphQLNonNull))
            inner = item.of_type if isinstance(item, GraphQLNonNull) else item
        return cls(non_null, tuple(items)), inner


# How a step reads its value: from the object alone, or from the object and the run.
Reader = Callable[[Any, Any], Any]


@dataclass
class Step:
    """One response key of an object: how to read it and how to complete what was read."""

    key: str
    read: Reader
    shape: Shape
    # Leaves: the type's output coercion; objects: the plan of their fields.
    coerce: Callable[[Any], Any] | None = None
    plan: "ObjectPlan | UnionPlan | None" = None
    # The field left to the standard executor: its nodes; `read` is then unused.
    delegated: FieldDetailsList | None = None
    # The object is walked, before any fetch, for rows whose records are fetched.
    walked: bool = False
    # For a plain field: the attribute it reads (`read` is then unused).
    attribute: str | None = None
    # For a leaf: the class of the values its coercion hands back unchanged (not called then).
    unchanged: type | None = None


@dataclass
class ObjectPlan:
    """The steps of one object type's selection."""

    object_type: GraphQLObjectType
    # The table behind the type's `row`, when it has one.
    row_model: type[Entity] | None
    # Whether the type keeps a row (of one table or of several).
    has_row: bool
    steps: list[Step] = field(default_factory=list)
    # Whether any step below is left to the standard executor (paths are then tracked).
    delegates: bool = False
    # The builder generated from the steps (`generated.builder_of`), once first used.
    builder: Callable[[Any, Any], dict[str, Any]] | None = None


@dataclass
class UnionPlan:
    """A plan per member of a union, by the Python class of the member's objects."""

    members: dict[type, ObjectPlan]
    delegates: bool = False


@dataclass
class Compiled:
    """A plan and what it fetches: per table of the rows met before any fetch, a `Follow`,
    and the columns read of each table it reaches."""

    root: "ObjectPlan | UnionPlan"
    shape: Shape
    follows: dict[type[Entity], Follow]
    columns: Columns


def _row_hint(cls: type) -> Any:
    for klass in cls.__mro__:
        hint = getattr(klass, "__annotations__", {}).get("row")
        if hint is not None:
            return hint
    return None


def _row_model(cls: type) -> type[Entity] | None:
    """The table behind a Strawberry type's private `row` field, when it is one table."""
    arguments = get_args(_row_hint(cls))
    model = arguments[0] if arguments else None
    return model if isinstance(model, type) and issubclass(model, Entity) else None


def _has_row(cls: type) -> bool:
    """Whether a Strawberry type keeps the row it was made from."""
    return _row_hint(cls) is not None


def _strawberry_class(named: Any) -> type:
    """The Python class behind a GraphQL type; introspection's types have none."""
    definition = named.extensions.get(DEFINITION)
    if definition is None:
        raise NotPlannedError
    origin: type = definition.origin
    return origin


def _call_resolver(resolver: Any) -> Reader:
    """A reader calling a resolver that needs nothing but its object (and the context)."""
    function = resolver.wrapped_func
    parameters = list(inspect.signature(function).parameters)
    if parameters == ["self"]:
        return lambda source, _run: function(source)
    if parameters == ["self", "info"]:
        return lambda source, run: function(source, run.info)
    raise NotPlannedError


class Compiler:
    """Compiles the plans of one response; `follows` collects what they fetch."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector
        self.follows: dict[type[Entity], Follow] = {}
        self.columns: Columns = {}

    def compile(self, output: GraphQLOutputType, nodes: FieldDetailsList) -> Compiled:
        """The plan for completing a value of `output` selected by `nodes`."""
        shape, named = Shape.of(output)
        root = self._named(named, nodes, None)
        return Compiled(root, shape, self.follows, self.columns)

    def _want(self, model: type[Entity], names: set[str] | None) -> None:
        """Read these columns of `model`'s table (None: every column)."""
        kept = self.columns.get(model, set())
        if kept is not None:
            self.columns[model] = None if names is None else kept | names

    def _named(
        self,
        named: Any,
        nodes: FieldDetailsList,
        follow: Follow | None,
        *,
        embedded: bool = False,
    ) -> "ObjectPlan | UnionPlan":
        if isinstance(named, GraphQLObjectType):
            return self._object(named, nodes, follow, embedded=embedded)
        if isinstance(named, GraphQLUnionType):
            members = {
                _strawberry_class(member): self._object(member, nodes, follow, embedded=embedded)
                for member in named.types
            }
            return UnionPlan(members, any(plan.delegates for plan in members.values()))
        raise NotPlannedError

    def _object(
        self,
        object_type: GraphQLObjectType,
        nodes: FieldDetailsList,
        follow: Follow | None,
        *,
        embedded: bool = False,
    ) -> ObjectPlan:
        """The plan of `object_type`. `follow` is where its row's links go: None for an
        object met before any fetch (its row's table then gets a follow of its own);
        `embedded` for an object a resolver makes from its parent's row."""
        cls = _strawberry_class(object_type)
        row_model = _row_model(cls)
        if follow is None and row_model is not None:
            follow = self.follows.setdefault(row_model, Follow(row_model))
        if follow is not None and not embedded:
            # `from_row` copies the type's plain fields; a field that is no column (a
            # property such as a contact's name) may read any of them.
            plain = set(plain_fields(cls))
            table = follow.model
            self._want(table, plain if plain <= set(columns_of(table)) else None)
        plan = ObjectPlan(object_type, row_model, _has_row(cls))
        grouped, _defers, _forbidden = self.collector.collect_subfields(object_type, nodes)
        for key, field_nodes in grouped.items():
            name = field_nodes[0].node.name.value
            if name == "__typename":
                plan.steps.append(
                    Step(key, _constant(object_type.name), Shape(True, ()), coerce=str)
                )
                continue
            graphql_field = object_type.fields[name]
            definition = graphql_field.extensions.get(DEFINITION)
            try:
                step = self._step(key, graphql_field.type, definition, field_nodes, plan, follow)
            except NotPlannedError:
                step = Step(key, _unread, Shape(False, ()), delegated=field_nodes)
            plan.steps.append(step)
            plan.delegates = plan.delegates or step.delegated is not None or _delegates(step)
        return plan

    def _step(
        self,
        key: str,
        output: GraphQLOutputType,
        definition: StrawberryField | None,
        nodes: FieldDetailsList,
        parent: ObjectPlan,
        follow: Follow | None,
    ) -> Step:
        if not isinstance(definition, StrawberryField) or definition.arguments:
            raise NotPlannedError
        shape, named = Shape.of(output)
        link = definition.metadata.get(LINK)
        resolver = definition.base_resolver
        step = Step(key, _unread, shape)
        if isinstance(named, GraphQLEnumType):
            step.coerce = _remembered(named.coerce_output_value)
        elif isinstance(named, GraphQLLeafType):
            step.coerce = named.coerce_output_value
            step.unchanged = _UNCHANGED.get(named.name)
        if isinstance(link, ToOne):
            if follow is None or not parent.has_row:
                raise NotPlannedError
            target = _strawberry_class(named)
            self._want(follow.model, {link.foreign_key})
            step.read = _to_one_reader(target, link)
            step.plan = self._named(named, nodes, follow.follow(link.foreign_key, link.model))
        elif isinstance(link, Items):
            # Items are fetched for rows met before any fetch only: one statement per table.
            fetched_first = any(follow is root for root in self.follows.values())
            if follow is None or parent.row_model is None or not fetched_first:
                raise NotPlannedError
            self._want(link.model, {link.foreign_key, *(link.only or ())[:1]})
            step.read = _items_reader(_strawberry_class(named), link)
            step.plan = self._named(named, nodes, follow.items_of(link.model, link.foreign_key))
        elif resolver is None:
            step.attribute = definition.python_name
            if step.coerce is None:
                step.walked = True
                step.plan = self._named(named, nodes, None)
        elif not resolver.is_async:
            # A resolver may read any column of its object's row.
            if follow is not None:
                self._want(follow.model, None)
            step.read = _call_resolver(resolver)
            if step.coerce is None:
                step.plan = self._embedded(named, nodes, parent, follow)
        else:
            raise NotPlannedError
        return step

    def _embedded(
        self, named: Any, nodes: FieldDetailsList, parent: ObjectPlan, follow: Follow | None
    ) -> "ObjectPlan | UnionPlan":
        """The plan of an object a resolver makes from its parent's row: its links are the
        parent row's links."""
        members = named.types if isinstance(named, GraphQLUnionType) else [named]
        for member in members:
            cls = _strawberry_class(member)
            if _has_row(cls) and (follow is None or _row_model(cls) is not parent.row_model):
                raise NotPlannedError
        return self._named(named, nodes, follow, embedded=True)


def _delegates(step: Step) -> bool:
    return step.plan is not None and step.plan.delegates


# Scalars whose output coercion hands back a value of exactly this class unchanged.
_UNCHANGED = {GraphQLString.name: str, GraphQLID.name: str, GraphQLBoolean.name: bool}


def _remembered(coerce: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`coerce`, remembering its answers: an enum has few values, and its coercion is slow."""
    answers: dict[Any, Any] = {}

    def coerce_remembered(value: Any) -> Any:
        try:
            return answers[value]
        except KeyError:
            answer = answers[value] = coerce(value)
            return answer

    return coerce_remembered


def _constant(value: str) -> Reader:
    return lambda _source, _run: value


def _unread(_source: Any, _run: Any) -> Any:
    raise NotPlannedError


def _to_one_reader(target: type, link: ToOne) -> Reader:
    model, foreign_key = link.model, link.foreign_key

    def read(source: Any, run: Any) -> Any:
        return run.record_object(target, model, getattr(source.row, foreign_key))

    return read


def _items_reader(target: type, link: Items) -> Reader:
    def read(source: Any, run: Any) -> Any:
        return [
            from_row(target, record)
            for record in run.items_of(link.model, link.foreign_key, source.row.id)
            if link.keeps(record)
        ]

    return read
