"""The life cycle as data: which action is allowed from which state, and where it leads."""

from dataclasses import dataclass

from app.domain.enums import COMPLETED_STATES, LifeCycleState
from app.domain.enums import Action as Action
from app.domain.errors import DomainError, ErrorCode, Path

PENDING = LifeCycleState.PENDING
IN_PROGRESS = LifeCycleState.IN_PROGRESS
WON = LifeCycleState.WON
LOST = LifeCycleState.LOST
CANCELLED = LifeCycleState.CANCELLED

__all__ = ["COMPLETED_STATES", "TRANSITIONS", "Action", "ensure_allowed", "ensure_status_move"]


@dataclass(frozen=True)
class Transition:
    """An action's rule: the states it is allowed from and the state it leads to (None: the
    state stays what it is)."""

    allowed_from: frozenset[LifeCycleState]
    target: LifeCycleState | None


TRANSITIONS: dict[Action, Transition] = {
    Action.UPDATE: Transition(frozenset({PENDING, IN_PROGRESS, CANCELLED}), None),
    Action.START_PROGRESS: Transition(frozenset({PENDING}), IN_PROGRESS),
    Action.WIN: Transition(frozenset({IN_PROGRESS}), WON),
    Action.LOSE: Transition(frozenset({PENDING, IN_PROGRESS}), LOST),
    Action.CANCEL: Transition(frozenset({PENDING, IN_PROGRESS}), CANCELLED),
}

# What each action does, as a sentence needs it ("only an IN_PROGRESS lead can be won").
_DONE = {
    Action.UPDATE: "be updated",
    Action.START_PROGRESS: "have their progress started",
    Action.WIN: "be won",
    Action.LOSE: "be lost",
    Action.CANCEL: "be cancelled",
}


def _states(states: frozenset[LifeCycleState]) -> str:
    *others, last = sorted(states)
    return f"{', '.join(others)} or {last}" if others else last


def ensure_allowed(action: Action, state: LifeCycleState, *, path: Path, value: str) -> None:
    """Refuse `action` on a lead in `state` with INVALID_TRANSITION when the table forbids it."""
    rule = TRANSITIONS[action]
    if state not in rule.allowed_from:
        raise DomainError.single(
            path,
            value,
            ErrorCode.INVALID_TRANSITION,
            f"Lead {value} is {state}; only {_states(rule.allowed_from)} leads can "
            f"{_DONE[action]}.",
        )


def actions_into(current: LifeCycleState, target: LifeCycleState) -> tuple[Action, ...]:
    """The actions that take a lead from `current` into `target`, shortest first: one when the
    table has a direct move, two when a move leads to a state that has one, none otherwise."""
    moves = {
        action: rule.target
        for action, rule in TRANSITIONS.items()
        if rule.target is not None and current in rule.allowed_from
    }
    for action, reached in moves.items():
        if reached is target:
            return (action,)
    for first, reached in moves.items():
        assert reached is not None
        for second, rule in TRANSITIONS.items():
            if rule.target is target and reached in rule.allowed_from:
                return (first, second)
    return ()


def ensure_status_move(
    current: LifeCycleState, target: LifeCycleState, *, path: Path, value: str, name: str
) -> None:
    """Refuse an update whose status belongs to another life cycle state.

    Before CRM.COM R11.1.0 an update could move a lead into a won or lost status; the seeds
    mark that deprecated, replaced by the dedicated actions, which the refusal points to.
    """
    if target is current:
        return
    remedy = actions_into(current, target)
    reason = f"An update keeps a lead in its life cycle state, and status {name!r} would move "
    reason += f"this {current} lead to {target}"
    raise DomainError.single(
        path,
        value,
        ErrorCode.INVALID_TRANSITION,
        reason if remedy else f"{reason}; no action does that.",
        remedy=remedy,
    )
