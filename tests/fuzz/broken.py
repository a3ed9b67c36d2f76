"""Invalid requests to fuzz `/graphql` with: a valid operation broken in one way, by the
schema, by a limit of the settings, or by the HTTP envelope around it.

Each way is fuzzed on its own (WAYS), so that a few hundred examples reach every one.
"""

import dataclasses
import json
from collections.abc import Callable
from urllib.parse import urlencode

import graphql
from graphql import FieldNode, GraphQLInputObjectType, Node, ObjectValueNode, TypeInfo
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes

from tests.fuzz.operations import (
    GENERATION_SCHEMA,
    MAX_ALIASES,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_TOKENS,
    MAX_VARIABLE_DEPTH,
    ODD_LITERALS,
    ODD_VALUES,
    Edit,
    Lifted,
    Operation,
    Request,
    Samples,
    Wanted,
    edit_one,
    input_type,
    input_values,
    is_field,
    is_one_of_value,
    is_value,
    json_body,
    name_node,
    object_field,
    operations,
    pick,
    visited,
)

# Breaks an operation in the way its last argument names; None when the operation has no
# spot to break that way.
Breaker = Callable[[st.DrawFn, Operation, str], Request | None]

# Every root field but `logout`: a broken operation that still ran would sign its caller out.
ROOT_FIELDS = tuple(
    name
    for root in (GENERATION_SCHEMA.query_type, GENERATION_SCHEMA.mutation_type)
    for name in graphql.assert_object_type(root).fields
    if name != "logout"
)
FIELD_DIRECTIVES = [
    "@include",
    "@skip",
    '@skip(if: "yes")',
    "@include(if: $nowhere)",
    "@nope",
    '@deprecated(reason: "x")',
    "@oneOf",
    "@skip(if: true) @skip(if: false)",
    " ".join(["@include(if: true)"] * 8),
]
OPERATION_DIRECTIVES = ["@include(if: true)", '@specifiedBy(url: "x")']
ON_THE_OPERATION = " on the operation"
# Characters whose insertion breaks the syntax more often than not.
SYNTAX = '{}()[]:$@!."\\#&=|'
FRAGMENTS = {
    "a fragment cycle": "{ leads(first: 1) { nodes { ...A } } }"
    " fragment A on Lead { contactInformation { leads(first: 1) { ...B } } }"
    " fragment B on Lead { ...A }",
    "an unknown fragment": "{ ...Nowhere }",
    "an unused fragment": "fragment Unused on Query { __typename } { __typename }",
    "a fragment on an unknown type": "{ ...A } fragment A on Nowhere { id }",
    "an impossible spread": "{ me { ... on Lead { id } } }",
}
# Twenty fragments, each spreading the one before twice: a million fields once expanded.
FRAGMENT_BOMB = "{ ...F20 } fragment F0 on Query { __typename } " + " ".join(
    f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 21)
)


def _edited(
    draw: st.DrawFn, operation: Operation, kind: str, wanted: Wanted, edit: Edit
) -> Request | None:
    document = edit_one(draw, operation.document, wanted, edit)
    return None if document is None else operation.request(kind, document=document)


def _hostile(
    kind: str, document: str, variables: object = None, name: str | None = None
) -> Request:
    return Request.operation(kind, document, variables, name, over_a_limit=True)


# By the schema -----------------------------------------------------------------------------


def unknown_field(draw: st.DrawFn, operation: Operation, how: str) -> Request:
    suffix = pick(draw, ["z", "s", "_", "Id"])

    def misspell(node: Node, _: TypeInfo) -> Node:
        assert isinstance(node, FieldNode)
        return dataclasses.replace(node, name=name_node(node.name.value + suffix))

    # Every operation selects a field.
    misspelled = _edited(draw, operation, how, is_field, misspell)
    assert misspelled is not None
    return misspelled


def unknown_argument(draw: st.DrawFn, operation: Operation, how: str) -> Request | None:
    value = pick(draw, ODD_LITERALS)

    def add(node: Node, _: TypeInfo) -> Node:
        assert isinstance(node, FieldNode)
        argument = graphql.ArgumentNode(name=name_node("zz"), value=value)
        return dataclasses.replace(node, arguments=(*(node.arguments or ()), argument))

    return _edited(draw, operation, how, is_field, add)


def broken_one_of(draw: st.DrawFn, operation: Operation, how: str) -> Request | None:
    def break_(node: Node, type_info: TypeInfo) -> Node:
        assert isinstance(node, ObjectValueNode)
        (given,) = node.fields
        if how == "@oneOf with no field":
            return nodes.Object([])
        if how == "@oneOf with a null field":
            return nodes.Object([dataclasses.replace(given, value=nodes.Null)])
        type_ = input_type(type_info)
        assert isinstance(type_, GraphQLInputObjectType)
        other = pick(draw, sorted(set(type_.fields) - {given.name.value}))
        value = draw(input_values(type_.fields[other].type))
        return nodes.Object([given, object_field(other)(value)])

    return _edited(draw, operation, how, is_one_of_value, break_)


def odd_literal(draw: st.DrawFn, operation: Operation, how: str) -> Request | None:
    value = pick(draw, ODD_LITERALS)
    return _edited(draw, operation, how, is_value, lambda *_: value)


def stray_directive(draw: st.DrawFn, operation: Operation, how: str) -> Request | None:
    text = how.removeprefix("a stray ").removesuffix(ON_THE_OPERATION)
    spot = graphql.OperationDefinitionNode if how.endswith(ON_THE_OPERATION) else FieldNode
    parsed = Operation(graphql.parse(f"query {text} {{ a }}"), {}, None)
    directives = parsed.definition.directives or ()

    def add(node: Node, _: TypeInfo) -> Node:
        assert isinstance(node, FieldNode | graphql.OperationDefinitionNode)
        return dataclasses.replace(node, directives=(*(node.directives or ()), *directives))

    return _edited(draw, operation, how, lambda node, _: isinstance(node, spot), add)


def broken_syntax(draw: st.DrawFn, operation: Operation, how: str) -> Request:
    text = operation.text
    at = draw(st.integers(0, len(text) - 1))
    if how == "syntax: a character inserted":
        text = text[:at] + pick(draw, SYNTAX) + text[at:]
    elif how == "syntax: a character deleted":
        text = text[:at] + text[at + 1 :]
    else:
        text = text[:at]
    return operation.request(how, document=text)


def wrong_variables(draw: st.DrawFn, operation: Operation, how: str) -> Request | None:
    document, lifted = visited(operation.document, lambda info: Lifted(draw, info, "w"))
    if not lifted.variables:
        return None
    variables: object = {**operation.variables, **lifted.variables}
    assert isinstance(variables, dict)
    name = pick(draw, sorted(lifted.variables))
    if how == "a variable of an odd value":
        variables[name] = pick(draw, ODD_VALUES)
    elif how == "a variable missing":
        del variables[name]
    elif how == "a variable undeclared":
        definition = Operation(document, {}, None).definition
        kept = tuple(
            declared
            for declared in definition.variable_definitions or ()
            if declared.variable.name.value != name
        )
        definition = dataclasses.replace(definition, variable_definitions=kept)
        document = dataclasses.replace(document, definitions=(definition,))
    else:
        variables = pick(draw, ["{}", [variables], 1, True])
    return operation.request(how, document=document, variables=variables)


def several_operations(draw: st.DrawFn, operation: Operation, how: str) -> Request:
    definition = operation.definition
    definitions: tuple[graphql.DefinitionNode, ...]
    if how == "an operationName naming none":
        return operation.request(how, name="Nowhere")
    if how == "a subscription":
        definitions = (
            dataclasses.replace(definition, operation=graphql.OperationType.SUBSCRIPTION),
        )
    elif how == "two anonymous operations":
        anonymous = dataclasses.replace(definition, name=None)
        definitions = (anonymous, anonymous)
    else:
        definitions = tuple(
            dataclasses.replace(definition, name=name_node(name)) for name in ("First", "Second")
        )
    document = dataclasses.replace(operation.document, definitions=definitions)
    return operation.request(how, document=document, name=None)


def broken_fragments(draw: st.DrawFn, operation: Operation, how: str) -> Request:
    return Request.operation(how, FRAGMENTS[how])


# By a limit --------------------------------------------------------------------------------


def _nesting_fields() -> dict[str, list[str]]:
    """For each object type below which selections nest without end, its fields (that need
    no argument) that keep nesting."""
    types = GENERATION_SCHEMA.type_map

    def onward(name: str, alive: set[str]) -> list[str]:
        return [
            field_name
            for field_name, field in graphql.assert_object_type(types[name]).fields.items()
            if graphql.get_named_type(field.type).name in alive
            and not any(graphql.is_required_argument(arg) for arg in field.args.values())
        ]

    alive = {
        name
        for name, type_ in types.items()
        if graphql.is_object_type(type_) and not name.startswith("__")
    }
    while dead := {name for name in alive if not onward(name, alive)}:
        alive -= dead
    return {name: onward(name, alive) for name in alive}


NESTING_FIELDS = _nesting_fields()


def too_deep(draw: st.DrawFn, operation: Operation, how: str) -> Request:
    # Levels below the root field, as MAX_DEPTH counts them.
    depth = pick(draw, [MAX_DEPTH + 1, 3 * MAX_DEPTH])
    type_name, opened = "Query", []
    for _ in range(depth):
        name = pick(draw, NESTING_FIELDS[type_name])
        field = graphql.assert_object_type(GENERATION_SCHEMA.type_map[type_name]).fields[name]
        # One lead a page, so that a server without the limit still answers soon.
        opened.append(f"{name}(first: 1)" if "first" in field.args else name)
        type_name = graphql.get_named_type(field.type).name
    return _hostile(how, "{ " + " { ".join(opened) + " { __typename" + " }" * (depth + 1))


def too_big(draw: st.DrawFn, operation: Operation, how: str) -> Request:
    if how == "many aliases":
        field = pick(draw, ["__typename", "me { id }"])
        count = pick(draw, [MAX_ALIASES + 1, 200])
        return _hostile(how, "{ " + " ".join(f"a{i}: {field}" for i in range(count)) + " }")
    if how == "many tokens":
        return _hostile(how, "{ " + "__typename " * (MAX_TOKENS + 1) + "}")
    if how == "a huge document":
        return _hostile(how, '{ contacts(search: "' + "x" * MAX_DOCUMENT_BYTES + '") { id } }')
    if how == "a huge variable":
        document = "query Huge($s: String) { contacts(search: $s) { id } }"
        return _hostile(how, document, {"s": "x" * MAX_BODY_BYTES}, "Huge")
    return _hostile(how, FRAGMENT_BOMB)


def deep_value(draw: st.DrawFn, operation: Operation, how: str) -> Request:
    depth = pick(draw, [MAX_VARIABLE_DEPTH + 1, 1000, 1100])
    opening, closing = pick(draw, [("[", "]"), ('{"a": ', "}")])
    nested = opening * depth + "1" + closing * depth
    if how == "a deep literal":
        document = "{ leads(first: " + nested.replace('"', "") + ") { totalCount } }"
        return Request(how, False, json_body({"query": document}))
    # Written by hand: JSON encoders refuse so many levels.
    document = json.dumps("query Deep($s: String) { contacts(search: $s) { id } }")
    body = '{"query": ' + document + ', "variables": {"s": ' + nested + "}}"
    return Request(how, False, body.encode())


# By the envelope ---------------------------------------------------------------------------


def bad_envelope(draw: st.DrawFn, operation: Operation, how: str) -> Request:
    text = operation.text
    body = {"query": text, "variables": operation.variables}
    if how == "a form":
        form = urlencode({"query": text}).encode()
        return Request(how, False, form, "application/x-www-form-urlencoded")
    if how == "a JSON body sent as text/plain":
        return Request(how, False, json_body(body), "text/plain")
    if how == "over GET":
        if operation.kind == "mutation":
            return Request("a mutation over GET", False, method="GET", params={"query": text})
        params = {"query": text, "variables": "{not JSON"}
        return Request("variables over GET that are no JSON", False, method="GET", params=params)
    raw_bodies = {
        "a body that is no JSON": text.encode(),
        "JSON cut short": json_body(body)[: len(text) // 2],
        "a body that is no UTF-8": b'{"query": "\xff"}',
    }
    if how in raw_bodies:
        return Request(how, False, raw_bodies[how])
    json_bodies: dict[str, object] = {
        "a batch": [body, body],
        "JSON null": None,
        "a JSON string": text,
        "a JSON number": 1,
        "a query that is no string": {**body, "query": pick(draw, [1, None, [text], {}])},
        "no query": {"variables": operation.variables},
        "an empty query": {"query": ""},
        "an operationName that is no string": {**body, "operationName": 1},
        "extensions that are no object": {**body, "extensions": "x"},
        "a body over the limit": {**body, "padding": "x" * MAX_BODY_BYTES},
    }
    return Request(how, False, json_body(json_bodies[how]))


BREAKERS: dict[Breaker, list[str]] = {
    unknown_field: ["an unknown field"],
    unknown_argument: ["an unknown argument"],
    broken_one_of: ["@oneOf with no field", "@oneOf with a null field", "@oneOf with two fields"],
    odd_literal: ["an odd literal"],
    stray_directive: [
        *(f"a stray {directive}" for directive in FIELD_DIRECTIVES),
        *(f"a stray {directive}{ON_THE_OPERATION}" for directive in OPERATION_DIRECTIVES),
    ],
    broken_syntax: [
        "syntax: a character inserted",
        "syntax: a character deleted",
        "syntax: cut short",
    ],
    wrong_variables: [
        "a variable of an odd value",
        "a variable missing",
        "a variable undeclared",
        "variables that are no object",
    ],
    several_operations: [
        "two operations, none chosen",
        "two anonymous operations",
        "an operationName naming none",
        "a subscription",
    ],
    broken_fragments: sorted(FRAGMENTS),
    too_deep: ["too deep"],
    too_big: [
        "many aliases",
        "many tokens",
        "a huge document",
        "a huge variable",
        "a fragment bomb",
    ],
    deep_value: ["a deep literal", "a deep variable"],
    bad_envelope: [
        "a form",
        "a JSON body sent as text/plain",
        "over GET",
        "a body that is no JSON",
        "JSON cut short",
        "a body that is no UTF-8",
        "a batch",
        "JSON null",
        "a JSON string",
        "a JSON number",
        "a query that is no string",
        "no query",
        "an empty query",
        "an operationName that is no string",
        "extensions that are no object",
        "a body over the limit",
    ],
}
WAYS = [(breaker, how) for breaker, hows in BREAKERS.items() for how in hows]
SCHEMA_VIOLATION = "a schema violation (hypothesis-graphql)"


@st.composite
def invalid_requests(draw: st.DrawFn, samples: Samples, breaker: Breaker, how: str) -> Request:
    """Valid operations broken by `breaker` in the way `how` names (an unknown field instead,
    when the operation has no spot for it)."""
    operation = draw(operations(samples, ROOT_FIELDS))
    return breaker(draw, operation, how) or unknown_field(draw, operation, "an unknown field")


def schema_violations(samples: Samples) -> st.SearchStrategy[Request]:
    """hypothesis-graphql's operations with one violation of the schema."""
    violating = operations(samples, ROOT_FIELDS, Mode.NEGATIVE)
    return violating.map(lambda operation: operation.request(SCHEMA_VIOLATION))
