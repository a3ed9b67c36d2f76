"""The life cycle as data: which action is allowed from which state, and where it leads."""

from dataclasses import dataclass
from enum import StrEnum

from app.domain.enums import LifeCycleState
from app.domain.errors import DomainError, ErrorCode

PENDING = LifeCycleState.PENDING
IN_PROGRESS = LifeCycleState.IN_PROGRESS
WON = LifeCycleState.WON
LOST = LifeCycleState.LOST
CANCELLED = LifeCycleState.CANCELLED


class Action(StrEnum):
    """What can be done to an existing lead, named as its mutation."""

    UPDATE = "updateLead"
    START_PROGRESS = "startLeadProgress"
    WIN = "winLead"
    LOSE = "loseLead"
    CANCEL = "cancelLead"


@dataclass(frozen=True)
class Transition:
    """An action's rule: the states it is allowed from and the state it leads to."""

    allowed_from: frozenset[LifeCycleState]
    target: LifeCycleState | None


TRANSITIONS: dict[Action, Transition] = {
    Action.UPDATE: Transition(frozenset({PENDING, IN_PROGRESS, CANCELLED}), None),
    Action.START_PROGRESS: Transition(frozenset({PENDING}), IN_PROGRESS),
    Action.WIN: Transition(frozenset({IN_PROGRESS}), WON),
    Action.LOSE: Transition(frozenset({PENDING, IN_PROGRESS}), LOST),
    Action.CANCEL: Transition(frozenset({PENDING, IN_PROGRESS}), CANCELLED),
}

COMPLETED_STATES = frozenset({WON, LOST, CANCELLED})

# An update may still name a status of another state, as the seeds' update example does (a
# PENDING lead updated to "Won"): the status moves an update may make, by the lead's state.
STATUS_MOVES_BY_UPDATE: dict[LifeCycleState, frozenset[LifeCycleState]] = {
    PENDING: frozenset({PENDING, IN_PROGRESS, WON, LOST, CANCELLED}),
    IN_PROGRESS: frozenset({IN_PROGRESS, WON, LOST, CANCELLED}),
    CANCELLED: frozenset({CANCELLED}),
}


def _states(states: frozenset[LifeCycleState]) -> str:
    return ", ".join(sorted(states))


def ensure_allowed(action: Action, state: LifeCycleState, *, field: str, value: str) -> None:
    """Refuse `action` on a lead in `state` with INVALID_TRANSITION when the table forbids it."""
    rule = TRANSITIONS[action]
    if state not in rule.allowed_from:
        raise DomainError.single(
            field,
            value,
            ErrorCode.INVALID_TRANSITION,
            f"{action} is not allowed on a {state} lead; it is allowed from "
            f"{_states(rule.allowed_from)}.",
        )


def ensure_status_move(
    current: LifeCycleState, target: LifeCycleState, *, field: str, value: str
) -> None:
    """Refuse an update whose status would move the lead where an update cannot take it."""
    if target not in STATUS_MOVES_BY_UPDATE.get(current, frozenset()):
        raise DomainError.single(
            field,
            value,
            ErrorCode.INVALID_TRANSITION,
            f"An update cannot move a {current} lead to a {target} status.",
        )
