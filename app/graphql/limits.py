"""Limits on a document's size and shape, each refused with `QUERY_TOO_COMPLEX` and a message
that names the limit, the value found and the setting.

The token limit is graphql-core's own, checked while the document is parsed. The shape limits
are checked on the parsed document, in a pass of their own before any validation rule runs.
Strawberry's depth and alias limiters walk every fragment spread anew, recursively: a fragment
bomb (20 fragments each spreading the previous one twice) would cost them 2^20 visits. So each
definition is walked once here, without recursion, and each fragment's expansion added up
once, so that a bomb or a cycle costs time linear in the document.

Depth is counted in that pass too, as Strawberry's `QueryDepthLimiter` counts it (`{ a { b } }`
is 1, introspection left out), since that limiter recurses four Python frames per level (a
chain of fragments graphql-core accepts needs 800, more than a request has left) and fails on
an empty selection set. Introspection adds no depth (GraphiQL's schema query nests 14 levels
through `ofType`) and cannot multiply its answer for it: graphql-core's
`MaxIntrospectionDepthRule`, among the validation rules, refuses lists of types nested more
than three deep. Strawberry counts the aliases, once the document is known to be small and
shallow enough for its recursion (a frame per level).
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    visit,
)
from graphql.language.parser import MAX_NESTING_DEPTH
from strawberry.extensions.max_aliases import count_fields_with_alias

from app.domain.errors import echoed
from app.settings import Settings

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
# The longest number literal a document may hold: more digits than any Int, Float or Decimal
# argument takes. Python refuses to read an int of more than 4,300 digits with a message of
# its own, which graphql-core would pass on.
MAX_NUMBER_LENGTH = 100


def too_complex(message: str, node: Node | None = None) -> GraphQLError:
    """The refusal of a document over one of the limits."""
    return GraphQLError(message, node, extensions={"code": QUERY_TOO_COMPLEX})


def too_many_tokens(error: GraphQLSyntaxError, settings: Settings) -> GraphQLError | None:
    """The refusal to answer for a syntax error that is graphql-core's token limit, if it is."""
    limit = settings.max_tokens
    parser_message = f"Syntax Error: Document contains more than {limit} tokens. Parsing aborted."
    if error.message != parser_message:
        return None
    return too_complex(
        f"The document has more than {limit} tokens; at most {limit} are allowed (MAX_TOKENS)."
    )


@dataclass(frozen=True)
class _Spread:
    """A fragment spread, and how deep it stands in its definition: its `depth` is None
    within introspection, which adds none."""

    node: FragmentSpreadNode
    depth: int | None
    nesting: int


@dataclass
class _Shape:
    """A definition's size: its own, or with every fragment it spreads expanded.

    `depth` is the deepest field's, below the top level and outside introspection; `nesting`
    counts selection sets, through inline fragments and spreads too, as deep as the recursive
    walks of graphql-core and Strawberry descend.
    """

    selections: int = 0
    depth: int = 0
    nesting: int = 1
    spreads: list[_Spread] = field(default_factory=list)
    # The first field with more directives than allowed.
    crowded: FieldNode | None = None
    # The pairs of selections validation compares to see that they merge (see `_merge_checks`).
    merge_checks: int = 0


def _merge_checks(selection_set: SelectionSetNode) -> int:
    """The pairs of selections that graphql-core's OverlappingFieldsCanBeMergedRule compares in
    one selection set, inline fragments merged in: fields of the same response key with each
    other, and each named fragment spread with the fields and with the other spreads. The rule
    is quadratic in them: 700 `__typename`s side by side, or 240 fragments, take it 80 to 170
    ms, so that a few kilobytes would hold the event loop."""
    keys: Counter[str] = Counter()
    spreads = 0
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                keys[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, FragmentSpreadNode):
                spreads += 1
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
    fields = sum(keys.values())
    same_key = sum(count * (count - 1) // 2 for count in keys.values())
    return same_key + spreads * fields + spreads * (spreads - 1) // 2


class _LongNumbers(Visitor):
    """Finds the first number literal longer than `MAX_NUMBER_LENGTH` characters."""

    def __init__(self) -> None:
        super().__init__()
        self.found: IntValueNode | FloatValueNode | None = None

    def enter_int_value(self, node: IntValueNode, *_: object) -> object:
        return self._check(node)

    def enter_float_value(self, node: FloatValueNode, *_: object) -> object:
        return self._check(node)

    def _check(self, node: IntValueNode | FloatValueNode) -> object:
        if len(node.value) > MAX_NUMBER_LENGTH:
            self.found = node
            return BREAK
        return None


def _own_shape(
    definition: OperationDefinitionNode | FragmentDefinitionNode, settings: Settings
) -> _Shape:
    """The selections a definition holds itself, its spreads left unexpanded."""
    shape = _Shape()
    # Each selection set with the depth of its fields (None within introspection), and how
    # deeply it is nested.
    stack: list[tuple[SelectionSetNode, int | None, int]] = [(definition.selection_set, 0, 1)]
    shape.merge_checks += _merge_checks(definition.selection_set)
    while stack:
        selection_set, depth, nesting = stack.pop()
        shape.nesting = max(shape.nesting, nesting)
        for selection in selection_set.selections:
            shape.selections += 1
            if isinstance(selection, FragmentSpreadNode):
                shape.spreads.append(_Spread(selection, depth, nesting))
            elif isinstance(selection, FieldNode):
                directives = len(selection.directives or ())
                if shape.crowded is None and directives > settings.max_directives_per_field:
                    shape.crowded = selection
                if depth is not None:
                    shape.depth = max(shape.depth, depth)
                if selection.selection_set is not None:
                    shape.merge_checks += _merge_checks(selection.selection_set)
                    introspection = selection.name.value.startswith("__")
                    below = None if depth is None or introspection else depth + 1
                    stack.append((selection.selection_set, below, nesting + 1))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, depth, nesting + 1))
    return shape


def _expanded(own: _Shape, fragments: dict[str, _Shape]) -> _Shape:
    """A definition's shape with the (already expanded) fragments it spreads added in."""
    shape = _Shape(own.selections, own.depth, own.nesting)
    for spread in own.spreads:
        # An unknown fragment adds nothing here: validation names it.
        fragment = fragments.get(spread.node.name.value)
        if fragment is not None:
            shape.selections += fragment.selections
            if spread.depth is not None:
                shape.depth = max(shape.depth, spread.depth + fragment.depth)
            shape.nesting = max(shape.nesting, spread.nesting + fragment.nesting)
    return shape


class _FragmentCycleError(Exception):
    """A fragment that spreads itself, through the fragments named."""

    def __init__(self, names: list[str], spread: FragmentSpreadNode) -> None:
        super().__init__(" > ".join(names))
        self.names = names
        self.spread = spread


def _expand_fragments(own: dict[str, _Shape]) -> dict[str, _Shape]:
    """Every fragment's expanded shape, each expanded once: a depth-first walk over a stack of
    its own, since a chain of fragments may be longer than Python's recursion allows."""
    expanded: dict[str, _Shape] = {}
    for root in own:
        if root in expanded:
            continue
        path: list[tuple[str, Iterator[_Spread]]] = [(root, iter(own[root].spreads))]
        on_path = {root: 0}
        while path:
            name, spreads = path[-1]
            for spread in spreads:
                target = spread.node.name.value
                if target in on_path:
                    names = [step for step, _ in path[on_path[target] :]]
                    raise _FragmentCycleError([*names, target], spread.node)
                if target in own and target not in expanded:
                    on_path[target] = len(path)
                    path.append((target, iter(own[target].spreads)))
                    break
            else:
                path.pop()
                del on_path[name]
                expanded[name] = _expanded(own[name], expanded)
    return expanded


def shape_refusal(document: DocumentNode, settings: Settings) -> GraphQLError | None:
    """The refusal of a document whose shape is over a limit; None when it keeps them all.

    Counted over all of the document's operations, as validation checks them all: the
    directives on one field (MAX_DIRECTIVES_PER_FIELD), no fragment spreading itself, the
    selections once every fragment is expanded (MAX_SELECTIONS), the depth (MAX_DEPTH) and
    the aliases (MAX_ALIASES); no number literal longer than any field takes, and no more
    pairs of selections for validation to compare than MAX_MERGE_CHECKS.
    """
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    own_fragments = {name: _own_shape(fragment, settings) for name, fragment in fragments.items()}
    own_operations = [_own_shape(operation, settings) for operation in operations]

    for own in [*own_operations, *own_fragments.values()]:
        if own.crowded is not None:
            return too_complex(
                f"The field '{echoed(own.crowded.name.value)}' carries "
                f"{len(own.crowded.directives or ())} directives; at most "
                f"{settings.max_directives_per_field} are allowed (MAX_DIRECTIVES_PER_FIELD).",
                own.crowded,
            )
    try:
        expanded = _expand_fragments(own_fragments)
    except _FragmentCycleError as cycle:
        names = " > ".join(f"'{echoed(name)}'" for name in cycle.names)
        return too_complex(
            f"The fragment '{echoed(cycle.names[0])}' spreads itself ({names}); a fragment "
            "cannot contain itself.",
            cycle.spread,
        )

    numbers = _LongNumbers()
    visit(document, numbers)
    if numbers.found is not None:
        return too_complex(
            f"A number of {len(numbers.found.value)} characters is written here; no field "
            f"takes one of more than {MAX_NUMBER_LENGTH}.",
            numbers.found,
        )
    # Each definition's own pairs: graphql-core compares a fragment's selections once,
    # however often it is spread.
    merge_checks = sum(own.merge_checks for own in [*own_operations, *own_fragments.values()])
    if merge_checks > settings.max_merge_checks:
        return too_complex(
            f"The document has validation compare {merge_checks} pairs of selections that "
            "could overlap (a field selected again under the same name, fragments side by "
            f"side); at most {settings.max_merge_checks} are allowed (MAX_MERGE_CHECKS)."
        )
    shapes = [_expanded(own, expanded) for own in own_operations]
    selections = sum(shape.selections for shape in shapes)
    if selections > settings.max_selections:
        return too_complex(
            f"The document holds {selections} selections once its fragments are expanded; at "
            f"most {settings.max_selections} are allowed (MAX_SELECTIONS)."
        )
    nesting = max((shape.nesting for shape in shapes), default=0)
    if nesting > MAX_NESTING_DEPTH:
        return too_complex(
            f"The document nests {nesting} selection sets deep, through fragments too; at most "
            f"{MAX_NESTING_DEPTH} are allowed."
        )
    depth = max((shape.depth for shape in shapes), default=0)
    if depth > settings.max_depth:
        return too_complex(
            f"The document nests {depth} levels deep; at most {settings.max_depth} are allowed "
            "(MAX_DEPTH)."
        )
    aliases = sum(count_fields_with_alias(operation, fragments) for operation in operations)
    if aliases > settings.max_aliases:
        return too_complex(
            f"The document has {aliases} aliases; at most {settings.max_aliases} are allowed "
            "(MAX_ALIASES)."
        )
    return None
