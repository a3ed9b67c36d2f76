"""Who may see and change which leads.

`visible_to` turns the acting user into one SQL condition, and every read of leads applies it
(`app/domain/leads/queries.py`), so a lead someone may not see does not exist for them. The
other checks say what a role may change.
"""

from sqlalchemy import ColumnElement, or_, select, true
from sqlmodel import col

from app.domain.auth import Actor
from app.domain.enums import Role
from app.domain.errors import DomainError, ErrorCode, Path, Problems
from app.domain.models import Lead, LeadUser


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """The leads `actor` may see: all of them for an administrator; otherwise those owned by
    the group of their unit, assigned to them or to their unit, owned by them as lead owner,
    or with them in the users set."""
    if actor.role is Role.ADMINISTRATOR:
        return true()
    # The lead teams as a set of ids, not a correlated EXISTS: SQLite can then read every
    # branch from its index and join the results, where EXISTS makes it test each lead.
    in_team = col(Lead.id).in_(
        select(col(LeadUser.lead_id)).where(col(LeadUser.user_id) == actor.user_id)
    )
    conditions = [
        col(Lead.assigned_user_id) == actor.user_id,
        col(Lead.lead_owner_id) == actor.user_id,
        in_team,
    ]
    if actor.group_id is not None:
        conditions.append(col(Lead.owned_by_group_id) == actor.group_id)
    if actor.unit_id is not None:
        conditions.append(col(Lead.assigned_unit_id) == actor.unit_id)
    return or_(*conditions)


def ensure_may_change(actor: Actor) -> None:
    """Refuse any change by a user whose role only reads (FORBIDDEN)."""
    if actor.role is Role.READ_ONLY:
        raise DomainError.single(
            None,
            actor.username,
            ErrorCode.FORBIDDEN,
            f"User {actor.username!r} has the {Role.READ_ONLY} role: they may read leads, not "
            "change them.",
        )


def check_owning_group(
    actor: Actor, group_id: str | None, path: Path, value: object, problems: Problems
) -> None:
    """A sales user may give a lead only to their own group (FORBIDDEN otherwise)."""
    if actor.role is not Role.SALES or (group_id is not None and group_id == actor.group_id):
        return
    if actor.group_id is None:
        reason = f"User {actor.username!r} belongs to no group, so they cannot own leads."
    else:
        reason = f"User {actor.username!r} may give leads only to their own group."
    problems.add(path, value, ErrorCode.FORBIDDEN, reason)
