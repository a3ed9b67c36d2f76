"""Input objects built from their GraphQL values with each field's name and type worked out
once.

Strawberry converts an input value field by field, and for every field of the type, on every
request, it resolves the field's type annotation and its GraphQL name again: 0.4 ms for one
`CreateLeadInput`, whose 42 fields graphql-core hands over all present (null when the client
omitted them), where graphql-core's own coercion of the same value takes 0.04 ms. Strawberry's
`from_input` hook lets a type build its own value from the input value; the builder here does
what Strawberry does without it (the fields' values converted by Strawberry, through
`InputContext.convert`, then passed to the class as keyword arguments), with the fields' names
and types taken from a list made when the schema is.
"""

from collections.abc import Mapping
from dataclasses import MISSING, dataclass
from typing import Any

from graphql import GraphQLInputObjectType
from strawberry import Schema
from strawberry.schema.config import StrawberryConfig
from strawberry.types.arguments import InputContext
from strawberry.types.base import (
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    StrawberryType,
)


@dataclass(frozen=True)
class _Field:
    graphql_name: str
    python_name: str
    type: StrawberryType | type
    # A nullable field that is not a `Maybe`: null stays None, with nothing to convert.
    null_is_none: bool


class _Builder:
    """The `from_input` of one input type."""

    def __init__(self, definition: StrawberryObjectDefinition, config: StrawberryConfig) -> None:
        self.fields = tuple(
            _Field(
                graphql_name=config.name_converter.from_field(field),
                python_name=field.python_name,
                type=(field_type := field.resolve_type(type_definition=definition)),
                null_is_none=isinstance(field_type, StrawberryOptional)
                and not isinstance(field_type, StrawberryMaybe),
            )
            for field in definition.fields
        )
        # As Strawberry does: a field without a default is None until the value gives it
        # (graphql-core has checked that every required field is given).
        self.defaults = {
            field.python_name: None
            for field in definition.fields
            if field.default_value is MISSING and field.default_factory is MISSING
        }

    def __call__(self, target: type, value: Mapping[str, Any], context: InputContext) -> Any:
        values: dict[str, object] = dict(self.defaults)
        for field in self.fields:
            if field.graphql_name not in value:
                continue
            given = value[field.graphql_name]
            if given is None and field.null_is_none:
                values[field.python_name] = None
            else:
                values[field.python_name] = context.convert(given, field.type, field.graphql_name)
        return target(**values)


def _builds_its_own(definition: StrawberryObjectDefinition) -> bool:
    """Whether a type may take the builder: Strawberry checks a `Maybe` field that refuses
    null only for types without a `from_input` of their own, and such a type keeps
    Strawberry's conversion and that check."""
    if definition.from_input is not None:
        return False
    return not any(
        isinstance(field.type, StrawberryMaybe)
        and not isinstance(field.type.of_type, StrawberryOptional)
        for field in definition.fields
    )


def build_input_objects_directly(schema: Schema) -> None:
    """Give every input type of `schema` that may take it the builder."""
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLInputObjectType):
            continue
        definition = graphql_type.extensions.get(schema.schema_converter.DEFINITION_BACKREF)
        if isinstance(definition, StrawberryObjectDefinition) and _builds_its_own(definition):
            definition.from_input = _Builder(definition, schema.config)
