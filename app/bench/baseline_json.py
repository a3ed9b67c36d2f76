"""The baseline's JSON (app/bench/baseline.py): a lead as the GraphQL `data` holds it for the
requests workload's selection, built from the row of its joined statement and its set items.
"""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row

from app.domain.enums import LeadSourceType, ProductSet
from app.domain.models import Lead
from app.domain.periods import TimePeriod, reference_time, time_overdue, time_to_completion

_SOURCE_TYPENAMES = {
    LeadSourceType.WEBSITE: "WebsiteSource",
    LeadSourceType.ADVERTISEMENT: "AdvertisementSource",
    LeadSourceType.COMMUNICATIONS: "CommunicationSource",
    LeadSourceType.NOTIFICATIONS: "NotificationSource",
    LeadSourceType.RECOMMENDEDBYEMPLOYEE: "EmployeeRecommendation",
    LeadSourceType.RECOMMENDEDBYCONTACT: "ContactRecommendation",
}


# The set items of a page, by lead id and then by kind (USERS, COMPETITORS or a product set).
SetItems = dict[str, dict[str, list[Row[Any]]]]


def _named(name: str | None) -> dict[str, Any] | None:
    return None if name is None else {"name": name}


def _user(username: str | None) -> dict[str, Any] | None:
    return None if username is None else {"username": username}


def _period(period: TimePeriod | None) -> dict[str, Any] | None:
    return None if period is None else {"value": period.value, "unit": period.unit}


def _correspondence(number: str | None, contact_name: str | None) -> dict[str, Any] | None:
    if number is None:
        return None
    return {"number": number, "contactInformation": _named(contact_name)}


def _source(row: Row[Any]) -> dict[str, Any]:
    kind: LeadSourceType = row.source_type
    typename = _SOURCE_TYPENAMES.get(kind, "CustomSource")
    source: dict[str, Any] = {"__typename": typename, "type": kind}
    if kind is LeadSourceType.COMMUNICATIONS:
        source["communication"] = _correspondence(
            row.communication_number, row.communication_contact_name
        )
    elif kind is LeadSourceType.NOTIFICATIONS:
        source["notification"] = _correspondence(
            row.notification_number, row.notification_contact_name
        )
    elif kind is LeadSourceType.RECOMMENDEDBYEMPLOYEE:
        source["user"] = _user(row.source_user_username)
    elif kind is LeadSourceType.RECOMMENDEDBYCONTACT:
        source["contact"] = _named(row.source_contact_name)
    elif typename == "CustomSource":
        source |= {"kind": kind, "name": row.source_name}
    else:
        source["name"] = row.source_name
    return source


def _product_item(item: Row[Any], *, typed_product: bool, whole: bool) -> dict[str, Any]:
    """A product set item; `typed_product` with its product's type, `whole` with the family
    and brand it may name."""
    product: dict[str, Any] | None = None
    if item.product_code is not None:
        product = {"code": item.product_code}
        if typed_product:
            product["productType"] = _named(item.product_product_type_name)
    shown = {"product": product, "productType": _named(item.product_type_name)}
    if whole:
        shown["productFamily"] = _named(item.product_family_name)
        shown["productBrand"] = _named(item.product_brand_name)
    return shown


def lead_json(row: Row[Any], items: dict[str, list[Row[Any]]], now: datetime) -> dict[str, Any]:
    """A lead as the GraphQL `data` holds it for the workload's selection of a lead."""
    # The row holds every column `reference_time` reads of a lead.
    reference = reference_time(cast(Lead, row), now)
    expected = row.expected_completion_date
    target = row.target_amount
    return {
        "number": str(row.number),
        "lifeCycleState": row.life_cycle_state,
        "targetAmount": None if target is None else str(target),
        "status": {"name": row.status_name, "lifeCycleState": row.status_life_cycle_state},
        "type": {"name": row.lead_type_name, "defaultCategory": _named(row.default_category_name)},
        "category": _named(row.category_name),
        "contactInformation": {
            "name": row.contact_name,
            "demographics": {"idNumber": row.contact_id_number},
        },
        "accountsReceivable": None
        if row.account_number is None
        else {"number": row.account_number, "accountOwner": _named(row.account_owner_name)},
        "leadSource": _source(row),
        "assignedTo": {
            "user": None
            if row.assigned_user_username is None
            else {
                "username": row.assigned_user_username,
                "unit": _named(row.assigned_user_unit_name),
            },
            "unit": _named(row.assigned_unit_name),
        },
        "ownedByGroup": _named(row.owned_by_group_name),
        "privacyLevel": _named(row.privacy_level_name),
        "leadOwner": _user(row.lead_owner_username),
        "subscriptionPackage": _named(row.subscription_package_name),
        "lostReason": _named(row.lost_reason_name),
        "usersSet": [{"user": _user(item.username)} for item in items["USERS"]],
        "competitorsSet": [
            {"competitor": _named(item.competitor_name)} for item in items["COMPETITORS"]
        ],
        "servicesSet": [
            _product_item(item, typed_product=True, whole=True)
            for item in items[ProductSet.SERVICES]
        ],
        "physicalGoodsSet": [
            _product_item(item, typed_product=True, whole=False)
            for item in items[ProductSet.PHYSICAL_GOODS]
        ],
        "productsSet": [
            _product_item(item, typed_product=False, whole=True)
            for item in items[ProductSet.PRODUCTS]
        ],
        "logInformation": {
            "createdDate": row.created_at,
            "updatedDate": row.updated_at,
            "createdByUser": _user(row.created_by_user_username),
            "createdByUnit": _named(row.created_by_unit_name),
            "updatedByUser": _user(row.updated_by_user_username),
            "updatedByUnit": _named(row.updated_by_unit_name),
        },
        "estimatedCompletionTime": {
            "value": float(row.estimated_value),
            "unit": row.estimated_unit,
        },
        "timeToCompletion": _period(time_to_completion(reference, expected)),
        "timeOverdue": _period(time_overdue(reference, expected)),
    }
