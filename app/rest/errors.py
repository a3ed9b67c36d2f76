"""The facade's answers: the seeds' envelope for data and for refusals, and how the facade
spells the domain's paths (as the seeds' parameters) and actions (as its methods).

Every refusal names the parameter in the seeds' spelling (`lead_identifier.number`,
`competitors_set[1].lead_competitor_identifier.competitor_identifier.name`) and its value.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import orjson
from starlette.responses import Response

from app.domain.enums import Action
from app.domain.errors import DomainError, ErrorCode, Path, Problem

UNAUTHENTICATED = "UNAUTHENTICATED"
OK = "OK"

# Each domain action is a method of the facade.
METHODS = {
    Action.CREATE: "create",
    Action.UPDATE: "update",
    Action.START_PROGRESS: "start_progress",
    Action.WIN: "win",
    Action.LOSE: "lost",
    Action.CANCEL: "cancel",
}

# What each code means, as the envelope's `description`.
DESCRIPTIONS = {
    ErrorCode.NOT_FOUND: "What the call names does not exist, or is a lead you may not see.",
    ErrorCode.AMBIGUOUS: "The identifier names more than one record: name it by id.",
    ErrorCode.REQUIRED: "A value is required here.",
    ErrorCode.INVALID: "The value is not acceptable here.",
    ErrorCode.INVALID_TRANSITION: "The lead's life cycle state does not allow this.",
    ErrorCode.CONFLICT: "The lead changed meanwhile: read it again and retry.",
    ErrorCode.FORBIDDEN: "Your role does not allow this.",
    ErrorCode.THROTTLED: "Too many attempts in a short time: wait and try again.",
    UNAUTHENTICATED: "Sign in first.",
}
STATUSES = {
    ErrorCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    ErrorCode.AMBIGUOUS: HTTPStatus.BAD_REQUEST,
    ErrorCode.REQUIRED: HTTPStatus.BAD_REQUEST,
    ErrorCode.INVALID: HTTPStatus.BAD_REQUEST,
    ErrorCode.INVALID_TRANSITION: HTTPStatus.CONFLICT,
    ErrorCode.CONFLICT: HTTPStatus.CONFLICT,
    ErrorCode.FORBIDDEN: HTTPStatus.FORBIDDEN,
    ErrorCode.THROTTLED: HTTPStatus.TOO_MANY_REQUESTS,
    UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
}
# Parameters whose values are never repeated back.
SECRETS = frozenset({"token", "password"})


@dataclass(frozen=True)
class Refusal:
    """One thing wrong with a request: the parameter as the seeds spell it, its value, a code
    (an `ErrorCode` or UNAUTHENTICATED) and a sentence."""

    parameter: str | None
    value: str | None
    code: str
    reason: str

    @property
    def message(self) -> str:
        """The sentence, after the parameter and its value."""
        if self.parameter is None:
            return self.reason
        if self.value is None or self.parameter.split(".")[0] in SECRETS:
            return f"{self.parameter}: {self.reason}"
        return f"{self.parameter} {self.value!r}: {self.reason}"


class RequestError(Exception):
    """A request the facade refuses before or instead of running it."""

    def __init__(self, refusals: Sequence[Refusal], status: HTTPStatus | None = None) -> None:
        self.refusals = tuple(refusals)
        self.status = status or STATUSES[self.refusals[0].code]
        super().__init__(" ".join(refusal.message for refusal in self.refusals))

    @classmethod
    def of(cls, error: DomainError) -> "RequestError":
        """The facade's form of a domain refusal."""
        return cls([refusal(problem) for problem in error.problems])


def refusal(problem: Problem) -> Refusal:
    """A domain problem in the facade's terms, naming the method to use instead, if any."""
    reason = problem.spelled(lambda action: f"`{METHODS[action]}`", lead_in="use ")
    return Refusal(parameter(problem.path), problem.value, problem.code, reason)


# Where the roots of a domain path stand among a method's parameters.
_ROOTS = {
    "lead": "lead_identifier",
    "status": "status_identifier",
    "lost_reason": "lost_reason_identifier",
    "accounts_receivable": "accounts_receivable",
    "first": "number_of_results",
}
# The lead fields (below `changes`) that the parameters name otherwise.
_FIELDS = {
    "contact": "contact_information",
    "type": "type_identifier",
    "status": "status_identifier",
    "category": "category_identifier",
    "accounts_receivable": "accounts_receivable_identifier",
    "lost_reason": "lost_reason_identifier",
    "assigned_user": "assigned_to.user_identifier",
    "assigned_unit": "assigned_to.unit_identifier",
    "owned_by_group": "owned_by_group_identifier",
    "privacy_level": "privacy_level_identifier",
    "subscription_package": "subscription_package_identifier",
    "users": "users_set",
    "competitors": "competitors_set",
    "services": "services_set",
    "physical_goods": "physical_goods_set",
    "products": "products_set",
}
# The list filters, by the domain's name.
_FILTERS = {
    "contact": "contact_information_identifier",
    "accounts_receivable": "accounts_receivable_identifier",
    "type": "type_identifier",
    "category": "category_identifier",
}
# Below `source`: what names each kind of source.
_SOURCE_KEYS = {
    "website": "name",
    "advertisement": "name",
    "custom": None,  # its `name` follows
    "communication": "source_communications_identifier",
    "notification": "source_notifications_identifier",
    "recommended_by_employee": "source_recommendedbyemployee_identifier",
    "recommended_by_contact": "source_recommendedbycontact_identifier",
}
# The set item that wraps an item's identifier, by the domain's name of the set.
SET_ITEMS = {
    "users": "lead_user_identifier",
    "competitors": "lead_competitor_identifier",
    "services": "lead_service_identifier",
    "physical_goods": "lead_physical_good_identifier",
    "products": "lead_product_identifier",
}
# The sets whose items are wrapped in their set item's identifier for `add` too, as the seeds
# write them; the others wrap only the items they `remove`.
ALWAYS_WRAPPED = frozenset({"products"})
_DEMOGRAPHICS = frozenset({"gender", "id_number", "passport_number", "social_security_number"})


def identifier(level: str) -> str:
    """The parameter that names a record of `level` (`competitor` -> `competitor_identifier`)."""
    return f"{level}_identifier"


def _set_item(name: str, index: int, rest: Path) -> str:
    """`("add", "product", "code")` of the set `name` -> `lead_product_identifier.product_...`"""
    action, *below = rest
    level = {"users": "user", "competitors": "competitor"}.get(name)
    if level is None and below:
        level = str(below.pop(0))
    parts = [f"{_FIELDS[name]}[{index}]"]
    if action == "remove" or name in ALWAYS_WRAPPED:
        parts.append(SET_ITEMS[name])
    if level is not None:
        parts.append(identifier(level))
    return ".".join([*parts, *map(str, below)])


def _lead_field(path: Path) -> str:
    """A path below `changes` as the create and update parameters name it."""
    name, *rest = path
    key = str(name)
    if key in SET_ITEMS and rest and isinstance(rest[0], int):
        return _set_item(key, rest[0], tuple(rest[1:]))
    parts = [_FIELDS.get(key, key)]
    if key == "contact" and rest:
        choice, *below = rest
        if choice == "existing":
            parts.append(identifier("contact_information"))
        elif below and below[0] in _DEMOGRAPHICS:
            parts.append("demographics")
        rest = below
    elif key == "accounts_receivable" and rest:
        rest = rest[1:]  # the parameter is the identifier itself
    elif key == "source" and rest:
        spelled = _SOURCE_KEYS.get(str(rest[0]), str(rest[0]))
        rest = [spelled, *rest[1:]] if spelled else rest[1:]
    elif key == "estimated_completion_time" and rest == ["value"]:
        rest = ["time_period_value"]
    return ".".join([*parts, *map(str, rest)])


def parameter(path: Path | None) -> str | None:
    """A domain path as the seeds' parameters name it: `("changes", "contact", "existing",
    "id_number")` -> `contact_information.contact_information_identifier.id_number`."""
    if not path:
        return None
    root, *rest = path
    if root == "changes" and rest:
        return _lead_field(tuple(rest))
    if root == "filter" and rest:
        return ".".join([_FILTERS[str(rest[0])], *map(str, rest[1:])])
    if root == "accounts_receivable" and rest:
        choice, *below = rest
        named = [identifier("accounts_receivable")] if choice == "existing" else []
        return ".".join([_ROOTS["accounts_receivable"], *named, *map(str, below)])
    return ".".join([_ROOTS.get(str(root), str(root)), *map(str, rest)])


def _json(body: dict[str, Any], status: int) -> Response:
    return Response(orjson.dumps(body), status_code=int(status), media_type="application/json")


def answer(data: Any) -> Response:
    """The envelope of a successful call."""
    return _json({"status": {"code": OK, "description": "", "message": ""}, "data": data}, 200)


def refused(error: RequestError) -> Response:
    """The envelope of a refused call: the first problem's code, every problem's sentence."""
    first = error.refusals[0]
    status = {
        "code": first.code,
        "description": DESCRIPTIONS[first.code],
        "message": " ".join(refusal.message for refusal in error.refusals),
    }
    return _json({"status": status, "data": None}, error.status)
