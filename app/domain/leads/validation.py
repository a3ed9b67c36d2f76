"""Checking what a create or an update asks for, against the lead it applies to.

`ChangeCheck.run` reports every problem at once and, when there is none, gives the `Plan`: the
column values to write, the records to create with the lead, and the set items to add and
remove. Nothing here writes.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.auth import Actor
from app.domain.contacts import (
    AccountsReceivableChoice,
    check_new_accounts_receivable,
    contact_for,
    owns_accounts_receivable,
)
from app.domain.enums import CUSTOM_SOURCE_TYPES, OPEN_STATES, Action, LeadSourceType
from app.domain.errors import DomainError, ErrorCode, Path, Problems
from app.domain.identifiers import find_one, find_one_along, words
from app.domain.leads.commands import (
    NOT_CLEARABLE,
    UNSET,
    LeadChanges,
    SourceChoice,
    Unset,
)
from app.domain.leads.lifecycle import ensure_status_move
from app.domain.leads.schedule import ScheduleCheck
from app.domain.leads.sets import SETS, SetChanges, SetPlan, SetRow
from app.domain.leads.visibility import check_owning_group
from app.domain.models import (
    AccountsReceivable,
    Communication,
    Contact,
    Entity,
    Group,
    Lead,
    LeadCategory,
    LeadStatus,
    LeadType,
    Notification,
    PrivacyLevel,
    SubscriptionPackage,
    Unit,
    User,
)

PRIORITIES = range(1, 7)
# What the target amount's NUMERIC(18, 2) column holds.
MONEY_LIMIT = Decimal(10) ** 16
CENT = Decimal("0.01")
PROBABILITIES = range(101)
# The status a lead type gives a new lead, and the type's column that names it.
_CREATE_STATUS = (LeadStatus, "create_status_id")

# Lead fields that simply name another record: (model, label, column).
REFERENCES: dict[str, tuple[type[Entity], str, str]] = {
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
_PLAIN_FIELDS = ("description", "contact_email", "contact_phone")
# The source kinds that name a record: (model, label, column).
SOURCE_REFERENCES: dict[LeadSourceType, tuple[type[Entity], str, str]] = {
    LeadSourceType.COMMUNICATIONS: (Communication, "communication", "source_communication_id"),
    LeadSourceType.NOTIFICATIONS: (Notification, "notification", "source_notification_id"),
    LeadSourceType.RECOMMENDEDBYEMPLOYEE: (User, "user", "source_user_id"),
    LeadSourceType.RECOMMENDEDBYCONTACT: (Contact, "contact", "source_contact_id"),
}
SOURCE_COLUMNS = ("source_name", *(columns[2] for columns in SOURCE_REFERENCES.values()))
# The key of each kind of source below `changes.source`.
_SOURCE_KEYS = {
    LeadSourceType.WEBSITE: "website",
    LeadSourceType.ADVERTISEMENT: "advertisement",
    LeadSourceType.COMMUNICATIONS: "communication",
    LeadSourceType.NOTIFICATIONS: "notification",
    LeadSourceType.RECOMMENDEDBYEMPLOYEE: "recommended_by_employee",
    LeadSourceType.RECOMMENDEDBYCONTACT: "recommended_by_contact",
}


def _path(name: str) -> Path:
    return ("changes", name)


@dataclass
class Plan:
    """What an action will write, gathered while checking."""

    values: dict[str, Any] = field(default_factory=dict)
    new_contact: Contact | None = None
    new_account: AccountsReceivableChoice | None = None
    sets: SetPlan = field(default_factory=SetPlan)


class ChangeCheck(ScheduleCheck):
    """Checks a `LeadChanges` by `actor` against the lead it applies to (None when creating)."""

    def __init__(
        self,
        session: AsyncSession,
        actor: Actor,
        lead: Lead | None,
        changes: LeadChanges,
        now: datetime,
        existing_sets: list[SetRow],
    ) -> None:
        self.session = session
        self.actor = actor
        self.lead = lead
        self.changes = changes
        self.now = now
        self.problems = Problems()
        self.plan = Plan()
        self.values = self.plan.values
        self.set_changes = SetChanges(session, existing_sets, self.problems)
        self.nulled: set[str] = set()
        # The create status of the type named, read with it on a create that names none.
        self.type_status: LeadStatus | None = None

    def refuse_nulls(self) -> None:
        """Null cannot clear what a lead always has, nor a set: each is REQUIRED, and then
        treated as not given so that the other checks still run."""
        self.nulled = {name for name in NOT_CLEARABLE if getattr(self.changes, name) is None}
        given: dict[str, Any] = {}
        for name in sorted(self.nulled):
            if name in SETS:
                self.required(
                    name, f"The {words(name)} set changes item by item; null cannot clear it."
                )
                given[name] = []
            else:
                self.required(name, f"A lead needs its {words(name)}; it cannot be cleared.")
                given[name] = UNSET
        self.changes = replace(self.changes, **given)

    def given(self, name: str) -> bool:
        return getattr(self.changes, name) is not UNSET

    async def run(self) -> Plan:
        """The plan of what to write; DomainError with every problem found otherwise."""
        self.refuse_nulls()
        await self.contact()
        lead_type = await self.lead_type()
        await self.status(lead_type)
        self.category(lead_type)
        await self.references()
        self.owning_group()
        self.scalars()
        self.dates()
        await self.source()
        await self.accounts_receivable()
        self.lost_reason()
        if self.lead is None and lead_type is not None:
            self.messages_on_create(lead_type)
        for name in SETS:
            await self.set_changes.apply(name, getattr(self.changes, name))
        self.plan.sets = self.set_changes.plan
        self.udf()
        self.problems.raise_if_any()
        return self.plan

    async def contact(self) -> None:
        choice = self.changes.contact
        if isinstance(choice, Unset):
            if self.lead is None:
                self.required("contact", "A lead needs its contact information.")
            return
        contact = await contact_for(self.session, choice, _path("contact"), self.problems)
        if contact is None:
            return
        if choice.new is not None:
            self.plan.new_contact = contact
        self.plan.values["contact_id"] = contact.id

    async def lead_type(self) -> LeadType | None:
        """The type named; None when none is (an update that keeps its type checks nothing
        against it, so it is not read)."""
        ref = self.changes.type
        if isinstance(ref, Unset):
            if self.lead is None:
                self.required("type", "A lead needs a type.")
            return None
        # A new lead that names no status takes the type's create status: read with the type.
        along = _CREATE_STATUS if self.lead is None and not self.given("status") else None
        lead_type, self.type_status = await find_one_along(
            self.session, LeadType, ref, _path("type"), "lead type", self.problems, along
        )
        if lead_type is not None:
            self.plan.values["type_id"] = lead_type.id
        return lead_type

    async def status(self, lead_type: LeadType | None) -> None:
        ref = self.changes.status
        if isinstance(ref, Unset):
            if self.lead is None and lead_type is not None:
                self.place_in(self.type_status)
            return
        status = await find_one(
            self.session, LeadStatus, ref, _path("status"), "lead status", self.problems
        )
        if status is None:
            return
        if self.lead is None and status.life_cycle_state not in OPEN_STATES:
            self.problems.add(
                ref.path(_path("status")),
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
                    path=ref.path(_path("status")),
                    value=ref.value,
                    name=status.name,
                )
            except DomainError as error:
                self.problems.extend(error)
                return
        self.place_in(status)

    def place_in(self, status: LeadStatus | None) -> None:
        if status is not None:
            self.plan.values["status_id"] = status.id
            self.plan.values["life_cycle_state"] = status.life_cycle_state

    def category(self, lead_type: LeadType | None) -> None:
        if self.lead is None and not self.given("category") and lead_type is not None:
            self.plan.values["category_id"] = lead_type.default_category_id

    async def references(self) -> None:
        for name, (model, label, column) in REFERENCES.items():
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
                _path("priority"),
                changes.priority,
                ErrorCode.INVALID,
                "Priority is a whole number from 1 to 6.",
            )
        probability = changes.probability_to_win
        if isinstance(probability, int) and probability not in PROBABILITIES:
            self.problems.add(
                _path("probability_to_win"),
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
            self.problems.add(_path("target_amount"), amount, ErrorCode.INVALID, reason)

    async def source(self) -> None:
        choice = self.changes.source
        if isinstance(choice, Unset):
            if self.lead is None:
                self.required("source", "A lead needs its source.")
            return
        values: dict[str, Any] = dict.fromkeys(SOURCE_COLUMNS)
        values["source_type"] = choice.type
        if choice.type in SOURCE_REFERENCES:
            await self.source_reference(choice, values)
        else:
            values["source_name"] = choice.name
            if not choice.name:
                self.problems.add(
                    self.source_path(choice.type),
                    choice.name,
                    ErrorCode.REQUIRED,
                    f"A {choice.type} source needs a name.",
                )
        self.plan.values.update(values)

    async def source_reference(self, choice: SourceChoice, values: dict[str, Any]) -> None:
        model, label, column = SOURCE_REFERENCES[choice.type]
        path = self.source_path(choice.type)
        if choice.ref is None:
            self.problems.add(
                path,
                None,
                ErrorCode.REQUIRED,
                f"A {choice.type} source names its {label}.",
            )
            return
        row = await find_one(self.session, model, choice.ref, path, label, self.problems)
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
                    _path("accounts_receivable"),
                    None,
                    ErrorCode.REQUIRED,
                    "The lead's accounts receivable belongs to its old contact: name one of "
                    "the new contact's, or clear it.",
                )
            return
        if choice is None:
            self.plan.values["accounts_receivable_id"] = None
            return
        if choice.new is not None:
            check_new_accounts_receivable(
                choice.new, (*_path("accounts_receivable"), "new"), self.problems
            )
            self.plan.new_account = choice
            return
        account = await find_one(
            self.session,
            AccountsReceivable,
            choice.existing,
            (*_path("accounts_receivable"), "existing"),
            "accounts receivable",
            self.problems,
        )
        if account is None or contact_id is None:
            return
        if account.owner_id != contact_id:
            assert choice.existing is not None
            self.problems.add(
                choice.existing.path((*_path("accounts_receivable"), "existing")),
                choice.existing.value,
                ErrorCode.INVALID,
                f"Accounts receivable {account.number} belongs to another contact.",
            )
            return
        self.plan.values["accounts_receivable_id"] = account.id

    def lost_reason(self) -> None:
        """Only losing a lead sets its lost reason: since CRM.COM R11.1.0 the seeds mark the
        update into a LOST status with a lost reason deprecated, replaced by the lose action."""
        if self.given("lost_reason"):
            self.problems.add(
                _path("lost_reason"),
                getattr(self.changes.lost_reason, "value", None),
                ErrorCode.INVALID_TRANSITION,
                "Only losing a lead sets its lost reason (the update that did, deprecated since "
                "CRM.COM R11.1.0, is not offered)",
                remedy=(Action.LOSE,),
            )

    def owning_group(self) -> None:
        """A new lead belongs to its creator's group unless it names one; a sales user may
        name only their own. A group that names nothing was reported already."""
        if self.lead is None and not self.given("owned_by_group"):
            self.plan.values["owned_by_group_id"] = self.actor.group_id
        if "owned_by_group_id" in self.plan.values:
            group = self.changes.owned_by_group
            check_owning_group(
                self.actor,
                self.plan.values["owned_by_group_id"],
                _path("owned_by_group"),
                getattr(group, "value", None),
                self.problems,
            )

    @staticmethod
    def source_path(kind: LeadSourceType) -> Path:
        """Where a source of `kind` is given."""
        if kind in CUSTOM_SOURCE_TYPES:
            return ("changes", "source", "custom", "name")
        return ("changes", "source", _SOURCE_KEYS[kind])

    def messages_on_create(self, lead_type: LeadType) -> None:
        if lead_type.email_on_create and not self.current("contact_email"):
            self.required(
                "contact_email",
                f"Lead type {lead_type.name!r} sends an email on creation: give the contact email.",
            )
        if lead_type.sms_on_create and not self.current("contact_phone"):
            self.required(
                "contact_phone",
                f"Lead type {lead_type.name!r} sends a phone message on creation: give the "
                "contact phone.",
            )
