"""No input, of any shape, makes the facade fail: every parameter of every method, given each
of a gallery of wrong and extreme values (wrong types, null, NUL text, numbers past what a
column holds, dates at the calendar's ends, objects where text goes and text where objects go),
answers the envelope, with a 4xx or a success, never a 5xx; so do bodies that are not JSON."""

from typing import Any

import httpx2
import pytest

from tests.rest.conftest import NEW_LEAD, OK, PREFIX, RestClient

# Values that no parameter, or only some, take.
GALLERY: list[Any] = [
    None,
    True,
    -1,
    2**31,
    2**63 - 1,
    1e308,
    "",
    "\x00",
    "x" * 3000,
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "sNaN",
    [],
    [None, 1, "a", {}],
    {},
    {"id": "x", "name": "y"},
    {"number": 2**40},
    {"name": ["x"]},
    {"name": "\x00"},
    {"action": "NEW"},
    {"action": "EXISTING", "contact_information_identifier": {"id_number": 1}},
    {"time_period_value": 2**31 - 1, "time_period_uot": "YEARS"},
    [{"action": "remove"}, {"action": "add", "lead_product_identifier": []}],
]
LEAD_PARAMETERS = (
    "lead_identifier", "contact_email", "contact_phone", "description", "probability_to_win",
    "importance", "priority", "target_amount", "start_date", "expected_completion_date",
    "estimated_completion_time", "type_identifier", "status_identifier", "category_identifier",
    "lost_reason_identifier", "accounts_receivable_identifier", "owned_by_group_identifier",
    "privacy_level_identifier", "lead_owner", "subscription_package_identifier",
    "contact_information", "source", "assigned_to", "users_set", "competitors_set",
    "services_set", "physical_goods_set", "products_set", "lead_products_set",
    "billing_address_identifier", "udf_string_1", "udf_float_1", "udf_date_1", "fields_set",
    "accounts_receivable", "token",
)  # fmt: skip
# Objects within the parameters, each with what it holds.
NESTED: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "contact_information": (
        {"action": "NEW", "type": "PERSON", "first_name": "A", "last_name": "B"},
        ("type", "first_name", "title", "email", "demographics"),
    ),
    "source": ({"type": "COMMUNICATIONS"}, ("type", "source_communications_identifier")),
    "assigned_to": ({}, ("user_identifier", "unit_identifier")),
    "estimated_completion_time": (
        {"time_period_value": 1, "time_period_uot": "DAYS"},
        ("time_period_value", "time_period_uot"),
    ),
}
SET_ITEM = {"action": "add", "lead_product_identifier": {"product_identifier": {"code": "123"}}}
QUERY_VALUES = (
    "", "=", "=x", "number=", "number=%00", "name=%00", "99999999999999999999999", "-1", "1e5",
    "type=nope", "id=" + "F" * 300, "%FF%FE", "number=1&number=2",
)  # fmt: skip
QUERY_PARAMETERS = (
    "lead_identifier", "contact_information_identifier", "accounts_receivable_identifier",
    "type_identifier", "category_identifier", "source_identifier", "importance", "priority",
    "number_of_results", "offset", "fields_set", "period", "uot", "token",
)  # fmt: skip


def assert_enveloped(response: httpx2.Response) -> None:
    """An answer in the envelope: success, or a 4xx with a code and no data."""
    assert response.status_code < 500, response.text
    body = response.json()
    assert set(body) == {"status", "data"}
    if response.status_code == 200:
        assert body["status"] == OK
    else:
        assert 400 <= response.status_code < 500
        assert body["data"] is None
        assert body["status"]["code"] != "OK"
        assert body["status"]["message"]


def bodies(base: dict[str, Any]) -> list[dict[str, Any]]:
    """`base` with each parameter, and each key of the objects within, given each value of the
    gallery in turn."""
    varied = [{**base, name: value} for name in LEAD_PARAMETERS for value in GALLERY]
    for name, (template, keys) in NESTED.items():
        varied += [{**base, name: {**template, key: value}} for key in keys for value in GALLERY]
    for name in ("users_set", "products_set"):
        varied += [{**base, name: [{**SET_ITEM, "action": value}]} for value in GALLERY]
        varied += [
            {**base, name: [{**SET_ITEM, "lead_product_identifier": value}]} for value in GALLERY
        ]
    return varied


@pytest.mark.parametrize(
    ("method", "base"),
    [
        ("create", NEW_LEAD),
        ("update", {"lead_identifier": {"number": "19"}}),
        ("win", {"lead_identifier": {"number": "41"}}),
        (
            "lost",
            {"lead_identifier": {"number": "44"}, "lost_reason_identifier": {"name": "Price"}},
        ),
    ],
)
async def test_every_parameter_given_any_value(
    http: httpx2.AsyncClient, rest: RestClient, method: str, base: dict[str, Any]
) -> None:
    # (only the number of a lead that comes back, so that each call stays quick)
    for body in bodies({"token": rest.token, "fields_set": "number", **base}):
        assert_enveloped(await http.post(f"{PREFIX}/leads/{method}", json=body))


@pytest.mark.parametrize("method", ["show", "list", "get_close_to_estimated_completion_time"])
async def test_every_query_parameter_given_any_value(
    http: httpx2.AsyncClient, rest: RestClient, method: str
) -> None:
    for name in QUERY_PARAMETERS:
        for value in QUERY_VALUES:
            given = {"token": rest.token, "fields_set": "number", name: value}
            query = "&".join(f"{key}={text}" for key, text in given.items())
            assert_enveloped(await http.get(f"{PREFIX}/leads/{method}?{query}"))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"[]",
        b"1",
        b'"token"',
        b"{",
        b"\xff\xfe{}",
        b"\xef\xbb\xbf{}",
        b'{"token": "\\ud800"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"token": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"token": "' + b"\\" * 3 + b'"}',
        b'{"a": 1,,}',
    ],
)
@pytest.mark.parametrize("method", ["leads/create", "leads/update", "authentication/token"])
async def test_bodies_that_are_not_json_objects(
    http: httpx2.AsyncClient, method: str, body: bytes
) -> None:
    response = await http.post(f"{PREFIX}/{method}", content=body)
    assert_enveloped(response)
    assert response.status_code == 400
