"""Input objects are built by `app/graphql/input_objects.py` exactly as Strawberry's own
conversion builds them: the same objects, nested inputs, lists, `Maybe` values and nulls
included, for every input type of the schema."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from graphql import GraphQLInputObjectType, coerce_input_value
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryObjectDefinition

from app.domain.enums import ContactType, Gender, Importance, TimeUnit
from app.graphql.input_objects import build_input_objects_directly
from app.graphql.leads.inputs import CreateLeadInput, DemographicsInput, UpdateLeadInput
from app.graphql.schema import schema

# A create that gives every field, a new contact with its demographics and every kind of set.
FULL_CREATE: dict[str, Any] = {
    "contactInformation": {
        "new": {
            "type": "PERSON",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "demographics": {"gender": "FEMALE", "idNumber": "1815"},
        }
    },
    "source": {"custom": {"kind": "CUSTOM1", "name": "Spring"}},
    "type": {"name": "New Customer"},
    "importance": "IMPORTANCE2",
    "priority": 3,
    "status": {"alternativeCode": "LRN"},
    "category": {"code": "C1"},
    "accountsReceivable": {"new": {"name": "Ada's account"}},
    "probabilityToWin": 40,
    "targetAmount": "1250.50",
    "description": "Met at the fair",
    "contactEmail": "ada@example.com",
    "contactPhone": "+357 22 000000",
    "assignedTo": {"user": {"username": "sales.main"}, "unit": {"name": "Sales"}},
    "ownedByGroup": {"name": "Main"},
    "privacyLevel": {"name": "Public"},
    "leadOwner": {"username": "sales.main"},
    "subscriptionPackage": {"name": "Gold"},
    "startDate": "2026-11-25T12:00:00",
    "expectedCompletionDate": "2026-12-25T12:00:00",
    "estimatedCompletionTime": {"value": 2, "unit": "WEEKS"},
    "users": [{"username": "sales.main"}, {"id": "u-1"}],
    "competitors": [{"name": "Rival"}],
    "services": [{"productFamily": {"code": "SF"}}],
    "physicalGoods": [{"product": {"code": "P1"}}, {"productBrand": {"name": "B"}}],
    "products": [{"productType": {"name": "T"}}],
    **{f"udfString{n}": f"s{n}" for n in range(1, 9)},
    **{f"udfFloat{n}": n + 0.5 for n in range(1, 5)},
    **{f"udfDate{n}": f"2026-0{n}-01T00:00:00" for n in range(1, 5)},
}

# An update that sets some fields, clears others with null, and changes sets item by item.
UPDATE: dict[str, Any] = {
    "description": None,
    "priority": 2,
    "assignedTo": {"user": None},
    "users": [{"add": {"username": "sales.main"}}, {"remove": {"id": "u-1"}}],
    "physicalGoods": [],
    "udfFloat1": None,
    "udfDate2": "2026-03-01T00:00:00",
    "estimatedCompletionTime": {"value": 3, "unit": "DAYS"},
}

CASES = [
    pytest.param(CreateLeadInput, FULL_CREATE, id="full create"),
    pytest.param(CreateLeadInput, {k: FULL_CREATE[k] for k in list(FULL_CREATE)[:5]}, id="create"),
    pytest.param(UpdateLeadInput, UPDATE, id="update"),
    pytest.param(UpdateLeadInput, {}, id="empty update"),
]


def _input_definitions() -> dict[str, StrawberryObjectDefinition]:
    backref = schema.schema_converter.DEFINITION_BACKREF
    return {
        graphql_type.name: graphql_type.extensions[backref]
        for graphql_type in schema._schema.type_map.values()
        if isinstance(graphql_type, GraphQLInputObjectType)
    }


def _convert(cls: type, value: dict[str, Any]) -> Any:
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    coerced = coerce_input_value(value, schema._schema.get_type(definition.name))  # type: ignore[arg-type]
    return convert_argument(coerced, cls, schema.schema_converter.scalar_registry, schema.config)


def test_every_input_type_of_the_schema_is_built_directly() -> None:
    definitions = _input_definitions()
    assert len(definitions) == 35
    assert [name for name, d in definitions.items() if d.from_input is None] == []


@pytest.mark.parametrize(("cls", "value"), CASES)
def test_an_input_is_built_as_strawberry_builds_it(
    cls: type, value: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _convert(cls, value)
    for definition in _input_definitions().values():
        monkeypatch.setattr(definition, "from_input", None)
    assert built == _convert(cls, value)


def test_the_full_create_keeps_every_value() -> None:
    built = _convert(CreateLeadInput, FULL_CREATE)
    new_contact = built.contact_information.new
    assert new_contact.type is ContactType.PERSON
    assert new_contact.demographics == DemographicsInput(gender=Gender.FEMALE, id_number="1815")
    assert built.importance is Importance.IMPORTANCE2
    assert built.target_amount == Decimal("1250.50")
    assert built.start_date == datetime(2026, 11, 25, 12, 0)
    assert built.estimated_completion_time.unit is TimeUnit.WEEKS
    assert [
        (item.product and item.product.code, item.product_brand and item.product_brand.name)
        for item in built.physical_goods
    ] == [("P1", None), (None, "B")]
    assert built.udf_float_4 == 4.5


def test_an_update_tells_a_null_from_an_omitted_field() -> None:
    built = _convert(UpdateLeadInput, UPDATE)
    assert built.description == strawberry.Some(None)
    assert built.priority == strawberry.Some(2)
    assert built.assigned_to.value.user == strawberry.Some(None)
    assert built.assigned_to.value.unit is None
    assert built.physical_goods == strawberry.Some([])
    assert built.contact_phone is None


@strawberry.input(description="Refuses a null name.")
class Renaming:
    name: strawberry.Maybe[str] = strawberry.field(description="The new name.")


@strawberry.input(description="Takes anything.")
class Plain:
    note: str | None = strawberry.field(default=None, description="Why.")


def _echo(renaming: Renaming, plain: Plain) -> str:
    assert renaming.name is not None
    return f"{renaming.name.value} {plain.note}"


@strawberry.type(description="Nothing.")
class EchoQuery:
    echo: str = strawberry.field(resolver=_echo, description="Echo.")


def test_a_type_with_a_maybe_that_refuses_null_keeps_strawberrys_conversion() -> None:
    local = strawberry.Schema(query=EchoQuery)
    build_input_objects_directly(local)
    assert Renaming.__strawberry_definition__.from_input is None  # type: ignore[attr-defined]
    assert Plain.__strawberry_definition__.from_input is not None  # type: ignore[attr-defined]
    refused = local.execute_sync('{ echo(renaming: {name: null}, plain: {note: "x"}) }')
    assert refused.errors is not None
    assert "cannot be explicitly set to null" in refused.errors[0].message
    answered = local.execute_sync('{ echo(renaming: {name: "n"}, plain: {note: "x"}) }')
    assert answered.data == {"echo": "n x"}
