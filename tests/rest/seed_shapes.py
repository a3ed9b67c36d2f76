"""The seeds' responses as the facade is held to them: the keys of a lead and of every object
within it, and how the tests replay an example and read its answer."""

from typing import Any

import httpx2
import pytest

from tests.conftest import GraphQLClient
from tests.rest.seed_requests import SeedRequest

# The keys of a lead in the seeds' responses (the create example's; the R11.1.0 examples show
# `contact_phone` too, and get_pending's leaves out `contact_information` and `lost_reason`).
SEED_KEYS = frozenset(
    {
        "id", "number", "life_cycle_state", "status", "type", "category", "importance",
        "priority", "probability_to_win", "target_amount", "description", "contact_email",
        "contact_information", "accounts_receivable", "lead_source", "assigned_to",
        "owned_by_group", "privacy_level", "lost_reason", "start_date",
        "expected_completion_date", "estimated_completion_time", "actual_completion_date",
        "time_to_completion", "time_overdue", "users_set", "competitors_set", "services_set",
        "physical_goods_set", "log_information",
        *(f"udf_string_{n}" for n in range(1, 9)),
        *(f"udf_float_{n}" for n in range(1, 5)),
        *(f"udf_date_{n}" for n in range(1, 5)),
    }
)  # fmt: skip
# The R11.1.0 pages add the contact phone; the newer update page the products set, the
# subscription package and the lead owner.
LEAD_KEYS = SEED_KEYS | {"contact_phone", "products_set", "subscription_package", "lead_owner"}

# The keys of the objects within a lead, as the seeds show them. The seeds also show a few the
# domain does not hold, left out: a unit's or group's `community_name`, a contact's
# `country_of_residence`, a notification's accounts receivable.
NAMED = {"id", "name", "alternative_code", "description"}
PERIOD = {"time_period_value", "time_period_uot"}
USER = {"id", "username", "person_name", "email"}
UNIT = NAMED | {"group_name"}
CONTACT = {
    "id", "type", "life_cycle_state", "title", "first_name", "middle_name", "last_name",
    "company_name", "company_profile", "name", "demographics",
}  # fmt: skip
DEMOGRAPHICS = {
    "gender", "id_number", "passport_number", "social_security_number",
    "passport_issued_by_country", "id_issued_by_country", "industry", "industry_sector",
    "date_of_birth", "name_day",
}  # fmt: skip
PRODUCT_TYPE = NAMED | {
    "classification", "service_type", "physical_good_type", "used_for_provisioning",
    "composition_method",
}  # fmt: skip
LOG = {
    "created_date", "updated_date", "created_by_user", "created_by_unit", "updated_by_user",
    "updated_by_unit",
}  # fmt: skip
SOURCE_PAYLOADS = {
    "WEBSITE": "name",
    "ADVERTISEMENT": "name",
    "COMMUNICATIONS": "communication",
    "NOTIFICATIONS": "notification",
    "RECOMMENDEDBYEMPLOYEE": "recommended_by_employee",
    "RECOMMENDEDBYCONTACT": "recommended_by_contact",
}


def period(value: float | None, unit: str | None) -> dict[str, Any]:
    """A time period as the seeds write it, its value compared with a float tolerance."""
    if value is None:
        return {"time_period_value": None, "time_period_uot": None}
    return {"time_period_value": pytest.approx(value, abs=1e-9), "time_period_uot": unit}


def _contact_shape(contact: dict[str, Any]) -> None:
    assert set(contact) == CONTACT
    assert set(contact["demographics"]) == DEMOGRAPHICS
    assert set(contact["demographics"]["date_of_birth"]) == {"day", "month", "year"}
    assert set(contact["demographics"]["name_day"]) == {"day", "month"}


def _product_type_shape(product_type: dict[str, Any] | None) -> None:
    if product_type is not None:
        assert set(product_type) == PRODUCT_TYPE


def assert_shape(lead: dict[str, Any]) -> None:
    """Every object within a lead has the seeds' keys, and the object-valued keys are objects
    even when empty."""
    assert set(lead) == LEAD_KEYS
    assert set(lead["status"]) == NAMED | {"life_cycle_state"}
    assert set(lead["type"]) == NAMED
    assert set(lead["category"]) == {"id", "name", "code", "description"}
    for key in ("estimated_completion_time", "time_to_completion", "time_overdue"):
        assert set(lead[key]) == PERIOD
    assert set(lead["assigned_to"]) == {"user", "unit"}
    assert set(lead["log_information"]) == LOG
    for user in (
        lead["assigned_to"]["user"],
        lead["lead_owner"],
        lead["log_information"]["created_by_user"],
        lead["log_information"]["updated_by_user"],
    ):
        assert user is None or set(user) == USER
    for unit in (
        lead["assigned_to"]["unit"],
        lead["log_information"]["created_by_unit"],
        lead["log_information"]["updated_by_unit"],
    ):
        assert unit is None or set(unit) == UNIT
    _contact_shape(lead["contact_information"])
    account = lead["accounts_receivable"]
    if account is not None:
        assert set(account) == {"id", "number", "name", "life_cycle_state", "account_owner"}
        _contact_shape(account["account_owner"])
    source = lead["lead_source"]
    assert set(source) == {"type", SOURCE_PAYLOADS.get(source["type"], "name")}
    for key in ("owned_by_group", "privacy_level", "lost_reason"):
        assert lead[key] is None or set(lead[key]) == NAMED
    for item in lead["users_set"]:
        assert set(item) == {"id", "user"}
        assert set(item["user"]) == USER
    for item in lead["competitors_set"]:
        assert set(item) == {"id", "competitor"}
        assert set(item["competitor"]) == {"id", "name", "website", "description"}
    for key in ("services_set", "physical_goods_set", "products_set"):
        extra = {"product_family", "product_brand"} if key == "products_set" else set()
        for item in lead[key]:
            assert set(item) == {"id", "product", "product_type"} | extra
            _product_type_shape(item["product_type"])
            if item["product"] is not None:
                assert set(item["product"]) == {
                    "id", "code", "alternative_code", "description", "product_type",
                }  # fmt: skip
                _product_type_shape(item["product"]["product_type"])


async def replay(http: httpx2.AsyncClient, example: SeedRequest, token: str) -> httpx2.Response:
    """Send an example as written, with `token` in place of the seed's."""
    path, body = example.replayed(token)
    if body is None:
        return await http.get(path)
    return await http.post(path, content=body)


def numbers(leads: list[dict[str, Any]]) -> list[int]:
    return [int(lead["number"]) for lead in leads]


async def graphql_numbers(gql: GraphQLClient, field: str, arguments: str) -> list[int]:
    """The numbers of the first 20 leads of a GraphQL list (the facade's default page)."""
    data = await gql.data(f"{{ {field}({arguments} first: 20) {{ nodes {{ number }} }} }}")
    return [int(node["number"]) for node in data[field]["nodes"]]


MP_ADMINISTRATOR = {
    "id": "1",
    "username": "MPAdministrator",
    "person_name": "CRM COM",
    "email": "mp@ministrator.com",
}
