"""The actions on leads: create, update, start progress, win, lose, cancel.

Each action validates everything first and reports every problem at once; it writes only when
nothing is wrong. A write to an existing lead is one conditional UPDATE (on its state and, when
the caller names one, its version), so two clients racing on one lead can never both succeed.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.auth import Actor
from app.domain.contacts import (
    check_new_accounts_receivable,
    contact_for,
    open_accounts_receivable,
    owns_accounts_receivable,
)
from app.domain.enums import (
    CUSTOM_SOURCE_TYPES,
    OPEN_STATES,
    LeadSourceType,
    LifeCycleState,
    ProductClassification,
    ProductSet,
)
from app.domain.errors import DomainError, ErrorCode, Problems
from app.domain.identifiers import Ref, camel, find_one, find_one_or_raise
from app.domain.leads.commands import (
    NOT_CLEARABLE,
    UNSET,
    AccountsReceivableChoice,
    LeadAction,
    LeadChanges,
    PeriodInput,
    ProductItemRef,
    SetChange,
    SourceChoice,
    Unset,
)
from app.domain.leads.lifecycle import (
    COMPLETED_STATES,
    TRANSITIONS,
    Action,
    ensure_allowed,
    ensure_status_move,
)
from app.domain.models import (
    AccountsReceivable,
    Communication,
    Competitor,
    Contact,
    Entity,
    Group,
    Lead,
    LeadCategory,
    LeadCompetitor,
    LeadProduct,
    LeadStatus,
    LeadType,
    LeadUser,
    LostReason,
    Notification,
    PrivacyLevel,
    Product,
    ProductBrand,
    ProductFamily,
    ProductType,
    SubscriptionPackage,
    Unit,
    User,
)
from app.domain.numbering import NumberSeries, next_number
from app.domain.periods import LAST_MOMENT, OutOfRangeError, add_period, in_utc, period_between

LEAD = "lead"
PRIORITIES = range(1, 7)
# What the target amount's NUMERIC(18, 2) column holds.
MONEY_LIMIT = Decimal(10) ** 16
CENT = Decimal("0.01")
PROBABILITIES = range(101)

# Lead fields that simply name another record: (model, label, column).
_REFERENCES: dict[str, tuple[type[Entity], str, str]] = {
    "category": (LeadCategory, "lead category", "category_id"),
    "assigned_user": (User, "user", "assigned_user_id"),
    "assigned_unit": (Unit, "unit", "assigned_unit_id"),
    "owned_by_group": (Group, "group", "owned_by_group_id"),
    "privacy_level": (PrivacyLevel, "privacy level", "privacy_level_id"),
    "lead_owner": (User, "user", "lead_owner_id"),
    "subscription_package": (
        SubscriptionPackage,
        "subscription package",
        "subscription_package_id",
    ),
}
_INPUT_PATHS = {
    "contact": "input.contactInformation",
    "assigned_user": "input.assignedTo.user",
    "assigned_unit": "input.assignedTo.unit",
}
_PLAIN_FIELDS = ("description", "contact_email", "contact_phone")
_SOURCE_REFERENCES: dict[LeadSourceType, tuple[type[Entity], str, str, str]] = {
    LeadSourceType.COMMUNICATIONS: (
        Communication,
        "communication",
        "source_communication_id",
        "communication",
    ),
    LeadSourceType.NOTIFICATIONS: (
        Notification,
        "notification",
        "source_notification_id",
        "notification",
    ),
    LeadSourceType.RECOMMENDEDBYEMPLOYEE: (User, "user", "source_user_id", "recommendedByEmployee"),
    LeadSourceType.RECOMMENDEDBYCONTACT: (
        Contact,
        "contact",
        "source_contact_id",
        "recommendedByContact",
    ),
}
_SOURCE_COLUMNS = ("source_name", *(columns[2] for columns in _SOURCE_REFERENCES.values()))


def _path(name: str) -> str:
    return _INPUT_PATHS.get(name, f"input.{camel(name)}")


@dataclass
class _Plan:
    """What an action will write, gathered while validating."""

    values: dict[str, Any] = field(default_factory=dict)
    new_contact: Contact | None = None
    new_account: AccountsReceivableChoice | None = None
    set_rows: list[Entity] = field(default_factory=list)
    removed: list[tuple[type[Entity], str]] = field(default_factory=list)


def _check_version(lead: Lead, expected_version: int | None) -> None:
    if expected_version is not None and lead.version != expected_version:
        raise DomainError.single(
            "expectedVersion",
            expected_version,
            ErrorCode.CONFLICT,
            f"Lead {lead.number} is at version {lead.version}, not {expected_version}; "
            "read it again and retry.",
        )


async def _status_in_state(
    session: AsyncSession,
    ref: Ref | None,
    default_id: str,
    state: LifeCycleState,
    field_name: str,
    problems: Problems,
) -> LeadStatus | None:
    """The status named (or the lead type's default), which must belong to `state`."""
    if ref is None:
        return await session.get(LeadStatus, default_id)
    status = await find_one(session, LeadStatus, ref, field_name, "lead status", problems)
    if status is not None and status.life_cycle_state is not state:
        problems.add(
            ref.path(field_name),
            ref.value,
            ErrorCode.INVALID,
            f"Status {status.name!r} belongs to {status.life_cycle_state}, not {state}.",
        )
    return status


class _Validator:
    """Checks a `LeadChanges` against the lead it applies to (None when creating)."""

    def __init__(
        self, session: AsyncSession, lead: Lead | None, changes: LeadChanges, now: datetime
    ) -> None:
        self.session = session
        self.lead = lead
        self.changes = changes
        self.now = now
        self.problems = Problems()
        self.plan = _Plan()
        self.nulled: set[str] = set()

    def refuse_nulls(self) -> None:
        """Null cannot clear what a lead always has, nor a set: each is REQUIRED, and then
        treated as not given so that the other checks still run."""
        self.nulled = {name for name in NOT_CLEARABLE if getattr(self.changes, name) is None}
        given: dict[str, Any] = {}
        for name in sorted(self.nulled):
            if name in _SETS:
                self.required(name, f"{camel(name)} changes item by item; null cannot clear it.")
                given[name] = []
            else:
                self.required(name, f"A lead needs its {camel(name)}; it cannot be cleared.")
                given[name] = UNSET
        self.changes = replace(self.changes, **given)

    def given(self, name: str) -> bool:
        return getattr(self.changes, name) is not UNSET

    def current(self, column: str) -> Any:
        """The value a column will have: planned, else the lead's, else None."""
        if column in self.plan.values:
            return self.plan.values[column]
        return None if self.lead is None else getattr(self.lead, column)

    def required(self, name: str, message: str) -> None:
        self.problems.add(_path(name), None, ErrorCode.REQUIRED, message)

    async def run(self) -> _Plan:
        self.refuse_nulls()
        await self.contact()
        lead_type = await self.lead_type()
        await self.status(lead_type)
        self.category(lead_type)
        await self.references()
        self.scalars()
        self.dates()
        await self.source()
        await self.accounts_receivable()
        await self.lost_reason()
        if self.lead is None and lead_type is not None:
            self.messages_on_create(lead_type)
        await self.sets()
        self.udf()
        self.problems.raise_if_any()
        return self.plan

    async def contact(self) -> None:
        choice = self.changes.contact
        if isinstance(choice, Unset):
            if self.lead is None:
                self.required("contact", "A lead needs its contact information.")
            return
        contact = await contact_for(self.session, choice, "input.contactInformation", self.problems)
        if contact is None:
            return
        if choice.new is not None:
            self.plan.new_contact = contact
        self.plan.values["contact_id"] = contact.id

    async def lead_type(self) -> LeadType | None:
        ref = self.changes.type
        if isinstance(ref, Unset):
            if self.lead is None:
                self.required("type", "A lead needs a type.")
                return None
            return await self.session.get(LeadType, self.lead.type_id)
        lead_type = await find_one(
            self.session, LeadType, ref, "input.type", "lead type", self.problems
        )
        if lead_type is not None:
            self.plan.values["type_id"] = lead_type.id
        return lead_type

    async def status(self, lead_type: LeadType | None) -> None:
        ref = self.changes.status
        if isinstance(ref, Unset):
            if self.lead is None and lead_type is not None:
                await self.place_in(await self.session.get(LeadStatus, lead_type.create_status_id))
            return
        status = await find_one(
            self.session, LeadStatus, ref, "input.status", "lead status", self.problems
        )
        if status is None:
            return
        if self.lead is None and status.life_cycle_state not in OPEN_STATES:
            self.problems.add(
                ref.path("input.status"),
                ref.value,
                ErrorCode.INVALID_TRANSITION,
                f"A lead is created PENDING or IN_PROGRESS; status {status.name!r} is "
                f"{status.life_cycle_state}.",
            )
            return
        if self.lead is not None:
            try:
                ensure_status_move(
                    self.lead.life_cycle_state,
                    status.life_cycle_state,
                    field=ref.path("input.status"),
                    value=ref.value,
                )
            except DomainError as error:
                self.problems.extend(error)
                return
        await self.place_in(status)

    async def place_in(self, status: LeadStatus | None) -> None:
        if status is None:
            return
        self.plan.values["status_id"] = status.id
        self.plan.values["life_cycle_state"] = status.life_cycle_state
        completes = status.life_cycle_state in COMPLETED_STATES
        if completes and (self.lead is None or self.lead.life_cycle_state not in COMPLETED_STATES):
            self.plan.values["actual_completion_date"] = self.now

    def category(self, lead_type: LeadType | None) -> None:
        if self.lead is None and not self.given("category") and lead_type is not None:
            self.plan.values["category_id"] = lead_type.default_category_id

    async def references(self) -> None:
        for name, (model, label, column) in _REFERENCES.items():
            ref = getattr(self.changes, name)
            if isinstance(ref, Unset):
                continue
            if ref is None:
                self.plan.values[column] = None
                continue
            row = await find_one(self.session, model, ref, _path(name), label, self.problems)
            if row is not None:
                self.plan.values[column] = row.id

    def scalars(self) -> None:
        changes = self.changes
        for name in ("importance", "priority"):
            value = getattr(changes, name)
            if value is UNSET and self.lead is None and name not in self.nulled:
                self.required(name, f"A lead needs its {name}.")
            elif value is not UNSET:
                self.plan.values[name] = value
        if isinstance(changes.priority, int) and changes.priority not in PRIORITIES:
            self.problems.add(
                "input.priority",
                changes.priority,
                ErrorCode.INVALID,
                "Priority is a whole number from 1 to 6.",
            )
        probability = changes.probability_to_win
        if isinstance(probability, int) and probability not in PROBABILITIES:
            self.problems.add(
                "input.probabilityToWin",
                probability,
                ErrorCode.INVALID,
                "The probability to win is a percentage from 0 to 100.",
            )
        amount = changes.target_amount
        if not isinstance(amount, Unset) and amount is not None:
            self.target_amount(amount)
        for name in ("probability_to_win", "target_amount", *_PLAIN_FIELDS):
            value = getattr(changes, name)
            if value is not UNSET:
                self.plan.values[name] = value

    def moment(self, name: str, value: datetime) -> datetime | None:
        """A date of the lead, in UTC; None, and a problem, when it is out of range."""
        try:
            return in_utc(value)
        except OutOfRangeError:
            self.problems.add(
                _path(name),
                value.isoformat(),
                ErrorCode.INVALID,
                f"A lead's dates lie between year 1 and {LAST_MOMENT.date()} in UTC.",
            )
            return None

    def target_amount(self, amount: Decimal) -> None:
        """Money as its column holds it: a sum of at most 16 digits and two decimals."""
        reason = None
        if not amount.is_finite():
            reason = "The target amount must be a number."
        elif amount < 0:
            reason = "The target amount cannot be negative."
        elif amount >= MONEY_LIMIT:
            reason = f"The target amount must be below {MONEY_LIMIT:,}."
        elif amount != amount.quantize(CENT):
            reason = "The target amount has at most two decimal places."
        if reason is not None:
            self.problems.add("input.targetAmount", amount, ErrorCode.INVALID, reason)

    def dates(self) -> None:
        start = self.start_date()
        if start is None:
            return
        expected, estimated = (
            self.changes.expected_completion_date,
            self.changes.estimated_completion_time,
        )
        if not isinstance(expected, Unset) and not isinstance(estimated, Unset):
            self.problems.add(
                "input.estimatedCompletionTime",
                f"{estimated.value} {estimated.unit}",
                ErrorCode.INVALID,
                "Give the expected completion date or the estimated completion time, not both.",
            )
        elif not isinstance(estimated, Unset):
            self.expected_from_estimate(start, estimated)
        elif not isinstance(expected, Unset):
            checked = self.moment("expected_completion_date", expected)
            if checked is not None:
                self.expected_on(start, checked)
        elif self.lead is None:
            self.required(
                "expected_completion_date",
                "Give the expected completion date or the estimated completion time.",
            )
        elif "start_date" in self.plan.values:
            self.expected_on(start, self.lead.expected_completion_date)

    def start_date(self) -> datetime | None:
        """The start the lead will have: given, kept, or now for a new lead."""
        given = self.changes.start_date
        if not isinstance(given, Unset):
            start = self.moment("start_date", given)
            if start is not None:
                self.plan.values["start_date"] = start
            return start
        if self.lead is None:
            self.plan.values["start_date"] = self.now
        start_date: datetime = self.current("start_date")
        return start_date

    def expected_from_estimate(self, start: datetime, estimated: PeriodInput) -> None:
        if estimated.value <= 0:
            self.problems.add(
                "input.estimatedCompletionTime.value",
                estimated.value,
                ErrorCode.INVALID,
                "The estimated completion time must be a positive number of units.",
            )
            return
        try:
            end = in_utc(add_period(start, estimated.value, estimated.unit))
        except OutOfRangeError:
            self.problems.add(
                "input.estimatedCompletionTime",
                f"{estimated.value} {estimated.unit}",
                ErrorCode.INVALID,
                f"The estimated completion time reaches past {LAST_MOMENT.date()}.",
            )
            return
        self.plan.values["expected_completion_date"] = end
        self.plan.values["estimated_value"] = float(estimated.value)
        self.plan.values["estimated_unit"] = estimated.unit

    def expected_on(self, start: datetime, expected: datetime) -> None:
        """Complete the lead at `expected`, its estimated time being the span from `start`."""
        if expected <= start:
            self.problems.add(
                "input.expectedCompletionDate",
                expected.isoformat(),
                ErrorCode.INVALID,
                f"The expected completion date must come after the start date {start.isoformat()}.",
            )
            return
        period = period_between(start, expected)
        self.plan.values["expected_completion_date"] = expected
        self.plan.values["estimated_value"] = period.value
        self.plan.values["estimated_unit"] = period.unit

    def udf(self) -> None:
        for name, value in self.changes.udf.items():
            if isinstance(value, datetime):
                value = self.moment(name, value)
                if value is None:
                    continue
            self.plan.values[name] = value

    async def source(self) -> None:
        choice = self.changes.source
        if isinstance(choice, Unset):
            if self.lead is None:
                self.required("source", "A lead needs its source.")
            return
        values: dict[str, Any] = dict.fromkeys(_SOURCE_COLUMNS)
        values["source_type"] = choice.type
        if choice.type in _SOURCE_REFERENCES:
            await self.source_reference(choice, values)
        else:
            values["source_name"] = choice.name
            if not choice.name:
                key = "custom.name" if choice.type in CUSTOM_SOURCE_TYPES else choice.type.lower()
                self.problems.add(
                    f"input.source.{key}",
                    choice.name,
                    ErrorCode.REQUIRED,
                    f"A {choice.type} source needs a name.",
                )
        self.plan.values.update(values)

    async def source_reference(self, choice: SourceChoice, values: dict[str, Any]) -> None:
        model, label, column, key = _SOURCE_REFERENCES[choice.type]
        if choice.ref is None:
            self.problems.add(
                f"input.source.{key}",
                None,
                ErrorCode.REQUIRED,
                f"A {choice.type} source names its {label}.",
            )
            return
        row = await find_one(
            self.session, model, choice.ref, f"input.source.{key}", label, self.problems
        )
        if row is not None:
            values[column] = row.id

    async def accounts_receivable(self) -> None:
        choice = self.changes.accounts_receivable
        if choice is None and self.lead is None:
            choice = UNSET  # nothing to clear on a new lead: the same as not giving it
        contact_id = self.current("contact_id")
        if isinstance(choice, Unset):
            if self.lead is None and contact_id and self.plan.new_contact is None:
                if await owns_accounts_receivable(self.session, contact_id):
                    self.required(
                        "accounts_receivable",
                        "This contact owns accounts receivable: name the one for this lead.",
                    )
            elif (
                self.lead is not None
                and "contact_id" in self.plan.values
                and self.lead.accounts_receivable_id is not None
            ):
                self.problems.add(
                    "input.accountsReceivable",
                    None,
                    ErrorCode.REQUIRED,
                    "The lead's accounts receivable belongs to its old contact: name one of "
                    "the new contact's, or clear it.",
                )
            self.require_account_when_won()
            return
        if choice is None:
            self.plan.values["accounts_receivable_id"] = None
            self.require_account_when_won()
            return
        if choice.new is not None:
            check_new_accounts_receivable(choice.new, "input.accountsReceivable.new", self.problems)
            self.plan.new_account = choice
            return
        account = await find_one(
            self.session,
            AccountsReceivable,
            choice.existing,
            "input.accountsReceivable.existing",
            "accounts receivable",
            self.problems,
        )
        if account is None or contact_id is None:
            return
        if account.owner_id != contact_id:
            assert choice.existing is not None
            self.problems.add(
                choice.existing.path("input.accountsReceivable.existing"),
                choice.existing.value,
                ErrorCode.INVALID,
                f"Accounts receivable {account.number} belongs to another contact.",
            )
            return
        self.plan.values["accounts_receivable_id"] = account.id

    def require_account_when_won(self) -> None:
        if self.current("life_cycle_state") is LifeCycleState.WON and (
            self.current("accounts_receivable_id") is None
        ):
            self.required(
                "accounts_receivable",
                "A won lead needs an accounts receivable: name an existing one or open a new one.",
            )

    async def lost_reason(self) -> None:
        ref = self.changes.lost_reason
        state = self.current("life_cycle_state")
        if isinstance(ref, Unset) or ref is None:
            if state is LifeCycleState.LOST and self.current("lost_reason_id") is None:
                self.required("lost_reason", "A lost lead needs a lost reason.")
            if ref is None and state is not LifeCycleState.LOST:
                self.plan.values["lost_reason_id"] = None
            return
        if state is not LifeCycleState.LOST:
            self.problems.add(
                ref.path("input.lostReason"),
                ref.value,
                ErrorCode.INVALID,
                "A lost reason applies only to a lead moved to a LOST status.",
            )
            return
        reason = await find_one(
            self.session, LostReason, ref, "input.lostReason", "lost reason", self.problems
        )
        if reason is not None:
            self.plan.values["lost_reason_id"] = reason.id

    def messages_on_create(self, lead_type: LeadType) -> None:
        if lead_type.email_on_create and not self.current("contact_email"):
            self.required(
                "contact_email",
                f"Lead type {lead_type.name!r} sends an email on creation: give contactEmail.",
            )
        if lead_type.sms_on_create and not self.current("contact_phone"):
            self.required(
                "contact_phone",
                f"Lead type {lead_type.name!r} sends a phone message on creation: give "
                "contactPhone.",
            )

    async def sets(self) -> None:
        existing = await self.existing_set_rows()
        for name, kind in _SETS.items():
            members = {
                _set_key(row): row
                for row in existing
                if isinstance(row, kind.link)
                and getattr(row, "product_set", None) is kind.product_set
            }
            changes: list[SetChange[Any]] = getattr(self.changes, name)
            for index, change in enumerate(changes):
                await self.change_set(kind, change, f"input.{camel(name)}[{index}]", members)

    async def existing_set_rows(self) -> list[Entity]:
        if self.lead is None:
            return []
        rows: list[Entity] = []
        for model in (LeadUser, LeadCompetitor, LeadProduct):
            statement = select(model).where(col(model.lead_id) == self.lead.id)
            rows.extend((await self.session.scalars(statement)).all())
        return rows

    async def change_set(
        self,
        kind: "_SetKind",
        change: SetChange[Any],
        item_path: str,
        members: dict[tuple[str, str], Entity],
    ) -> None:
        """Apply one add or remove to the set's members as this request leaves them."""
        item = change.item
        level = item.level if isinstance(item, ProductItemRef) else kind.level
        ref = item.ref if isinstance(item, ProductItemRef) else item
        model, label = _SET_ITEMS[level]
        path = f"{item_path}.{change.action}"
        if isinstance(item, ProductItemRef):
            path = f"{path}.{camel(level)}"
        row = await find_one(self.session, model, ref, path, label, self.problems)
        if row is None:
            return
        if kind.classification is not None and not await self.fits(row, kind.classification):
            self.problems.add(
                ref.path(path),
                ref.value,
                ErrorCode.INVALID,
                f"The {label} is not one of the {kind.classification} this set holds.",
            )
            return
        key = (f"{level}_id", row.id)
        if change.action == "add":
            if key in members:
                self.problems.add(
                    ref.path(path),
                    ref.value,
                    ErrorCode.INVALID,
                    f"The {label} is in the set already.",
                )
                return
            added = kind.link(**{key[0]: row.id})
            if kind.product_set is not None:
                added.product_set = kind.product_set
            members[key] = added
            self.plan.set_rows.append(added)
            return
        member = members.pop(key, None)
        if member is None:
            self.problems.add(
                ref.path(path), ref.value, ErrorCode.NOT_FOUND, f"The {label} is not in the set."
            )
        elif member in self.plan.set_rows:
            self.plan.set_rows.remove(member)
        else:
            self.plan.removed.append((type(member), member.id))

    async def fits(self, row: Entity, classification: ProductClassification) -> bool:
        """Whether a product or product type is of the classification a set holds."""
        if isinstance(row, Product):
            product_type = await self.session.get(ProductType, row.product_type_id)
            return product_type is not None and product_type.classification is classification
        if isinstance(row, ProductType):
            return row.classification is classification
        return False


@dataclass(frozen=True)
class _SetKind:
    """One of the lead's sets: its link table, and what its items may be."""

    link: type[Entity]
    level: str = "product"
    product_set: ProductSet | None = None
    classification: ProductClassification | None = None


_SETS = {
    "users": _SetKind(LeadUser, level="user"),
    "competitors": _SetKind(LeadCompetitor, level="competitor"),
    "services": _SetKind(
        LeadProduct, product_set=ProductSet.SERVICES, classification=ProductClassification.SERVICES
    ),
    "physical_goods": _SetKind(
        LeadProduct,
        product_set=ProductSet.PHYSICAL_GOODS,
        classification=ProductClassification.PHYSICALGOODS,
    ),
    "products": _SetKind(LeadProduct, product_set=ProductSet.PRODUCTS),
}
_SET_ITEMS: dict[str, tuple[type[Entity], str]] = {
    "user": (User, "user"),
    "competitor": (Competitor, "competitor"),
    "product": (Product, "product"),
    "product_type": (ProductType, "product type"),
    "product_family": (ProductFamily, "product family"),
    "product_brand": (ProductBrand, "product brand"),
}


def _set_key(row: Entity) -> tuple[str, str]:
    """What a set item names: its one filled reference column and the id in it."""
    for column in (f"{level}_id" for level in _SET_ITEMS):
        value = getattr(row, column, None)
        if value is not None:
            return column, value
    raise ValueError(f"set item {row.id} names nothing")


async def _save_plan(session: AsyncSession, lead_id: str, plan: _Plan) -> None:
    """Write what the plan adds around the lead row: its contact's account and its sets."""
    for model, row_id in plan.removed:
        await session.execute(delete(model).where(col(model.id) == row_id))
    for row in plan.set_rows:
        row.lead_id = lead_id
        session.add(row)
    await session.flush()


async def _save_new_records(session: AsyncSession, plan: _Plan, contact_id: str) -> None:
    """Insert the contact and open the accounts receivable that the plan asks for.

    They are written before the lead; should the lead's write then be refused, the whole
    transaction rolls back with it.
    """
    if plan.new_contact is not None:
        session.add(plan.new_contact)
        await session.flush()
        plan.values["contact_id"] = plan.new_contact.id
    if plan.new_account is None or plan.new_account.new is None:
        return
    owner = plan.new_contact or await session.get(Contact, contact_id)
    assert owner is not None
    account = await open_accounts_receivable(session, owner, plan.new_account.new)
    plan.values["accounts_receivable_id"] = account.id


def _logged(values: dict[str, Any], actor: Actor, now: datetime) -> dict[str, Any]:
    return {
        **values,
        "updated_at": now,
        "updated_by_user_id": actor.user_id,
        "updated_by_unit_id": actor.unit_id,
    }


async def create_lead(
    session: AsyncSession, changes: LeadChanges, actor: Actor, now: datetime
) -> Lead:
    """A new lead, numbered in sequence, with the lead type's defaults for what is not given."""
    plan = await _Validator(session, None, changes, now).run()
    await _save_new_records(session, plan, plan.values.get("contact_id", ""))
    number = await next_number(session, NumberSeries.LEAD)
    lead = Lead(
        **_logged(plan.values, actor, now),
        number=number,
        created_at=now,
        created_by_user_id=actor.user_id,
        created_by_unit_id=actor.unit_id,
    )
    session.add(lead)
    await session.flush()
    await _save_plan(session, lead.id, plan)
    await session.refresh(lead)  # the values as stored (a Decimal at its column's scale)
    return lead


async def _conditional_write(
    session: AsyncSession,
    lead: Lead,
    values: dict[str, Any],
    kind: Action,
    states: frozenset[LifeCycleState],
    action: LeadAction,
) -> Lead:
    """Write `values` only if the lead is still in one of `states` (and at the version named),
    then read it back."""
    statement = (
        update(Lead)
        .where(col(Lead.id) == lead.id)
        .where(col(Lead.life_cycle_state).in_(states))
        .values(**_logged(values, action.actor, action.now), version=Lead.version + 1)
    )
    if action.expected_version is not None:
        statement = statement.where(col(Lead.version) == action.expected_version)
    result: CursorResult[Any] = await session.execute(statement)  # type: ignore[assignment]
    await session.refresh(lead)
    if result.rowcount == 1:
        return lead
    _check_version(lead, action.expected_version)
    ensure_allowed(kind, lead.life_cycle_state, field="ref", value=str(lead.number))
    raise DomainError.single(
        "ref",
        lead.number,
        ErrorCode.CONFLICT,
        f"Lead {lead.number} changed while this request was applied; read it again and retry.",
    )


async def _load_for(session: AsyncSession, action: LeadAction, kind: Action) -> Lead:
    """The lead an action names, locked: what the action checks (its sets, its contact's
    accounts) cannot change under it before it writes."""
    lead = await find_one_or_raise(session, Lead, action.ref, "ref", LEAD, for_update=True)
    ensure_allowed(kind, lead.life_cycle_state, field="ref", value=str(lead.number))
    _check_version(lead, action.expected_version)
    return lead


async def update_lead(session: AsyncSession, action: LeadAction, changes: LeadChanges) -> Lead:
    """Change the given fields of a lead that is not WON or LOST; the rest stays as it was."""
    lead = await _load_for(session, action, Action.UPDATE)
    plan = await _Validator(session, lead, changes, action.now).run()
    await _save_new_records(session, plan, plan.values.get("contact_id", lead.contact_id))
    states = frozenset({lead.life_cycle_state})
    await _conditional_write(session, lead, plan.values, Action.UPDATE, states, action)
    await _save_plan(session, lead.id, plan)
    return lead


async def _transition(
    session: AsyncSession,
    kind: Action,
    action: LeadAction,
    check: Callable[[Lead, Problems], Awaitable[dict[str, Any]]] | None = None,
) -> Lead:
    """Move a lead along the life cycle table: into the status named (or the lead type's
    default for `kind`), after `check` has found no problem with what the action needs."""
    lead = await _load_for(session, action, kind)
    rule = TRANSITIONS[kind]
    assert rule.target is not None
    problems = Problems()
    lead_type = await session.get(LeadType, lead.type_id)
    assert lead_type is not None
    default_status = getattr(lead_type, _DEFAULT_STATUS[kind])
    status = await _status_in_state(
        session, action.status, default_status, rule.target, "status", problems
    )
    values = {} if check is None else await check(lead, problems)
    problems.raise_if_any()
    assert status is not None
    values |= {"status_id": status.id, "life_cycle_state": rule.target}
    if rule.target in COMPLETED_STATES:
        values["actual_completion_date"] = action.now
    return await _conditional_write(session, lead, values, kind, rule.allowed_from, action)


_DEFAULT_STATUS = {
    Action.START_PROGRESS: "start_status_id",
    Action.WIN: "win_status_id",
    Action.LOSE: "lose_status_id",
    Action.CANCEL: "cancel_status_id",
}


async def start_lead_progress(session: AsyncSession, action: LeadAction) -> Lead:
    """Move a PENDING lead to IN_PROGRESS (the lead type's start status unless one is named)."""
    return await _transition(session, Action.START_PROGRESS, action)


async def cancel_lead(session: AsyncSession, action: LeadAction) -> Lead:
    """Cancel an open lead."""
    return await _transition(session, Action.CANCEL, action)


async def lose_lead(session: AsyncSession, action: LeadAction, lost_reason: Ref) -> Lead:
    """Mark an open lead LOST, for a reason."""

    async def check(_: Lead, problems: Problems) -> dict[str, Any]:
        reason = await find_one(
            session, LostReason, lost_reason, "lostReason", "lost reason", problems
        )
        return {} if reason is None else {"lost_reason_id": reason.id}

    return await _transition(session, Action.LOSE, action, check)


async def win_lead(
    session: AsyncSession,
    action: LeadAction,
    accounts_receivable: AccountsReceivableChoice | None = None,
) -> Lead:
    """Mark an IN_PROGRESS lead WON, billed to an existing or a new accounts receivable (the
    lead's own when none is named)."""

    async def check(lead: Lead, problems: Problems) -> dict[str, Any]:
        if accounts_receivable is None:
            if lead.accounts_receivable_id is None:
                problems.add(
                    "accountsReceivable",
                    None,
                    ErrorCode.REQUIRED,
                    f"Lead {lead.number} has no accounts receivable: name an existing one or "
                    "open a new one.",
                )
            return {}
        existing = accounts_receivable.existing
        if existing is None:
            assert accounts_receivable.new is not None
            check_new_accounts_receivable(
                accounts_receivable.new, "accountsReceivable.new", problems
            )
            if problems:
                return {}
            plan = _Plan(new_account=accounts_receivable)
            await _save_new_records(session, plan, lead.contact_id)
            return plan.values
        path = "accountsReceivable.existing"
        account = await find_one(
            session, AccountsReceivable, existing, path, "accounts receivable", problems
        )
        if account is None:
            return {}
        if account.owner_id != lead.contact_id:
            problems.add(
                existing.path(path),
                existing.value,
                ErrorCode.INVALID,
                f"Accounts receivable {account.number} belongs to another contact.",
            )
        return {"accounts_receivable_id": account.id}

    return await _transition(session, Action.WIN, action, check)
