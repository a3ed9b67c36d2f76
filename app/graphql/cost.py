"""What a request costs, computed from its document and variables before anything runs.

Every object a field answers costs one point; scalars and enums cost nothing. A field that
takes `first` answers that many items (its default when omitted): a connection's `edges` and
`nodes` hold `first` items each, and so does a list with `first`. A list without `first` (a
set) counts at the size in `SET_SIZES`. A mutation field costs `MUTATION_COST` for the write,
plus what its payload selects. Introspection costs nothing.

Fields count as execution runs them: by response key, so each alias counts, and a field
selected twice (through two fragments, say) counts once; `@include` and `@skip` are honoured;
a selection on a union or interface counts as its costliest member type. The cost is worked
out once for each field, however many places spread the fragments that select it.
"""

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInt,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    SelectionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
)

from app.domain.catalog import CONTACT_SEARCH_LIMIT
from app.domain.leads.history import FIELD_ORDER
from app.domain.leads.queries import MAX_PAGE_SIZE
from app.graphql.observation import selected_operation
from app.graphql.per_document import PerDocument

# What a write costs beyond the objects its payload answers.
MUTATION_COST = 10
PAGE_ARGUMENT = "first"

# How many items each list without `first` counts at, by (type, field).
SET_SIZES: dict[tuple[str, str], int] = {
    # Bounds the domain keeps: a contact search answers at most 50; a history entry names
    # each of the lead's fields at most once; a user acts for one unit, of one group.
    ("Query", "contacts"): CONTACT_SEARCH_LIMIT,
    ("LeadChange", "changes"): len(FIELD_ORDER),
    ("User", "groups"): 1,
    # A lead's sets have no bound in the domain. Each counts at least at the demo data's
    # largest (two users, two competitors, two services, four products), and all together
    # at little enough that a frontend's richest page of 100 leads, every nested object and
    # set selected, stays within the default MAX_QUERY_COST (9,602 of 10,000 points).
    ("Lead", "usersSet"): 5,
    ("Lead", "competitorsSet"): 3,
    ("Lead", "servicesSet"): 3,
    ("Lead", "physicalGoodsSet"): 3,
    ("Lead", "productsSet"): 4,
    # The catalogs a form picks from have no bound either; each counts as a full page of
    # records (read once per request, with no per-record statement).
    ("Query", "leadTypes"): MAX_PAGE_SIZE,
    ("Query", "leadStatuses"): MAX_PAGE_SIZE,
    ("Query", "leadCategories"): MAX_PAGE_SIZE,
    ("Query", "lostReasons"): MAX_PAGE_SIZE,
    ("Query", "competitors"): MAX_PAGE_SIZE,
    ("Query", "products"): MAX_PAGE_SIZE,
    ("Query", "users"): MAX_PAGE_SIZE,
    ("Query", "groups"): MAX_PAGE_SIZE,
    ("Query", "units"): MAX_PAGE_SIZE,
    # The problems a refused mutation reports are found in memory while the write is
    # checked, with no read of their own: the list counts as one object.
    ("LeadPayload", "errors"): 1,
    ("LoginPayload", "errors"): 1,
}


@dataclass(frozen=True)
class OversizedPage:
    """A `first` above the page size: the field, the value asked for, and where."""

    field: str
    value: int
    node: ValueNode


@dataclass(frozen=True)
class QueryCost:
    """The points a request costs, and the first page it asks for that no page holds."""

    points: int
    oversized: OversizedPage | None = None
    # The variables the costing read (a page size, an `@include` condition): the cost
    # follows from their values alone.
    read: frozenset[str] = field(default=frozenset(), compare=False)


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> QueryCost:
    """The cost of the operation a request selects from a valid document, with its
    variables (each given, or its default)."""
    operation = selected_operation(document, operation_name)
    if operation is None:
        return QueryCost(0)
    root = schema.get_root_type(operation.operation)
    if root is None:
        return QueryCost(0)
    defaults = {
        definition.variable.name.value: definition.default_value
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    costing = _Costing(schema, fragments, dict(variables or {}), defaults)
    points = costing.selections(root, (operation.selection_set,), page=None)
    return QueryCost(points, costing.oversized, frozenset(costing.read))


# The fields of a selection as execution runs them: by response key, each with every node
# that selects it (the same field selected twice, through two fragments say, runs once).
Fields = dict[str, list[FieldNode]]


@dataclass
class _Costing:
    """One request's costing. A field's cost is worked out once for the nodes that select it,
    so the fields of a fragment spread in many places are costed once per type and page."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    defaults: Mapping[str, ValueNode]
    oversized: OversizedPage | None = None
    known: dict[tuple[str, tuple[int, ...], int | None], int] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)

    def selections(
        self,
        parent: GraphQLNamedType,
        selection_sets: tuple[SelectionSetNode, ...],
        page: int | None,
    ) -> int:
        """The cost of the selections on `parent`; `page` is the `first` of the connection
        they select from, which sizes the connection's lists."""
        if is_abstract_type(parent):
            members = self.schema.get_possible_types(parent)
            return max((self.selections(kind, selection_sets, page) for kind in members), default=0)
        assert isinstance(parent, GraphQLObjectType)
        fields: Fields = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(selection_set, parent, fields, visited)
        return sum(self._field(parent, nodes, page) for nodes in fields.values())

    def _collect(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLObjectType,
        fields: Fields,
        visited: set[str],
    ) -> None:
        """Add the fields a selection set selects on `parent`, through its fragments (each
        once: a cycle, which validation refuses anyway, ends there)."""
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias or selection.name
                fields.setdefault(key.value, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, parent):
                    self._collect(selection.selection_set, parent, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, parent):
                    self._collect(fragment.selection_set, parent, fields, visited)

    def _applies(self, condition: str, parent: GraphQLObjectType) -> bool:
        if condition == parent.name:
            return True
        kind = self.schema.get_type(condition)
        return is_abstract_type(kind) and self.schema.is_sub_type(kind, parent)

    def _field(self, parent: GraphQLObjectType, nodes: list[FieldNode], page: int | None) -> int:
        key = (parent.name, tuple(id(node) for node in nodes), page)
        if key not in self.known:
            self.known[key] = self._field_cost(parent, nodes, page)
        return self.known[key]

    def _field_cost(
        self, parent: GraphQLObjectType, nodes: list[FieldNode], page: int | None
    ) -> int:
        node = nodes[0]
        name = node.name.value
        definition = parent.fields.get(name)
        if name.startswith("__") or definition is None:
            return 0
        answered = get_named_type(definition.type)
        below = tuple(each.selection_set for each in nodes if each.selection_set is not None)
        if is_leaf_type(answered):
            return MUTATION_COST if parent is self.schema.mutation_type else 0
        if parent is self.schema.mutation_type:
            return MUTATION_COST + self.selections(answered, below, page=None)
        first = self._first(node, definition, name)
        if is_list_type(get_nullable_type(definition.type)):
            items = first if first is not None else page
            count = items if items is not None else SET_SIZES[(parent.name, name)]
            return count * (1 + self.selections(answered, below, page=None))
        return 1 + self.selections(answered, below, page=first)

    def _first(self, node: FieldNode, definition: GraphQLField, name: str) -> int | None:
        """How many items a field with `first` answers (None for other fields); a value above
        the page size is noted, and counts as a full page."""
        argument = definition.args.get(PAGE_ARGUMENT)
        if argument is None:
            return None
        given = next((a.value for a in node.arguments or () if a.name.value == PAGE_ARGUMENT), None)
        value = None if given is None else self._int(given)
        if value is None:
            default: int = argument.default_value
            return default
        if value > MAX_PAGE_SIZE:
            assert given is not None
            if self.oversized is None:
                self.oversized = OversizedPage(name, value, given)
            return MAX_PAGE_SIZE
        return max(value, 0)

    def _included(self, selection: SelectionNode) -> bool:
        """False when `@skip(if: true)` or `@include(if: false)` leaves the selection out."""
        for directive in selection.directives or ():
            name = directive.name.value
            if name in ("include", "skip"):
                condition = next(a.value for a in directive.arguments or () if a.name.value == "if")
                if (self._value(condition) is True) != (name == "include"):
                    return False
        return True

    def _int(self, node: ValueNode) -> int | None:
        """An Int argument's value as execution will see it; None when execution will refuse
        it (or when it is null: the field's default then applies)."""
        value = self._value(node)
        try:
            return None if value is None else int(GraphQLInt.parse_value(value))
        except GraphQLError:
            return None

    def _value(self, node: ValueNode) -> Any:
        """A scalar literal, or a variable's value (its default when not given)."""
        if isinstance(node, VariableNode):
            name = node.name.value
            self.read.add(name)
            if name in self.variables:
                return self.variables[name]
            default = self.defaults.get(name)
            return None if default is None else self._value(default)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, BooleanValueNode):
            return node.value
        return None


# The costs kept per document: one per operation and values of the variables its costing
# reads, the last few only, and only for values that are small once encoded (a key is kept
# whole). A lead's number or a mutation's input is never read: requests that differ only
# there share one cost.
COSTS_KEPT_PER_DOCUMENT = 16
MAX_REMEMBERED_VARIABLES_BYTES = 1_024


@dataclass
class _KeptCosts:
    """The costs kept for one document, and per operation the variables its last costing
    read."""

    costs: OrderedDict[tuple[str | None, frozenset[str], bytes], QueryCost] = field(
        default_factory=OrderedDict
    )
    read: dict[str | None, frozenset[str]] = field(default_factory=dict)


_costs: PerDocument[_KeptCosts] = PerDocument()


def _values_read(names: frozenset[str], variables: Mapping[str, Any]) -> bytes:
    """The values of `names` in `variables`, encoded (an absent name has no key, a null one
    has null); empty when they cannot be encoded or are too large to keep."""
    given = {name: variables[name] for name in names if name in variables}
    try:
        encoded = orjson.dumps(given, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return b""
    return encoded if len(encoded) <= MAX_REMEMBERED_VARIABLES_BYTES else b""


def remembered_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> QueryCost:
    """`query_cost`, worked out once per document, operation and values of the variables
    the costing reads. A kept cost answers for these values only if the costing that made it
    read exactly these names: the costing is deterministic, so the same values at every
    read lead it along the same path to the same cost."""
    given = variables or {}
    kept = _costs.get(document)
    if kept is None:
        kept = _costs.put(document, _KeptCosts())
    names = kept.read.get(operation_name)
    if names is not None:
        encoded = _values_read(names, given)
        cost = kept.costs.get((operation_name, names, encoded)) if encoded else None
        if cost is not None:
            return cost
    cost = query_cost(schema, document, operation_name, variables)
    encoded = _values_read(cost.read, given)
    if encoded:
        kept.read[operation_name] = cost.read
        kept.costs[(operation_name, cost.read, encoded)] = cost
        if len(kept.costs) > COSTS_KEPT_PER_DOCUMENT:
            kept.costs.popitem(last=False)
    return cost
