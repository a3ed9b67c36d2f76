"""Expected failures of the domain: each names the input, the value and the reason.

An input is named by its path in the domain's own terms: a tuple of names and list positions
(`("changes", "contact", "existing", "id_number")`). Each front door spells a path its own way.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.domain.enums import ACTION_PHRASES, Action

Path = tuple[str | int, ...]

# The most characters of a client's value that a refusal repeats back: a 2 MB search string
# is named by its first few hundred characters, not echoed whole.
ECHO_LIMIT = 300


class ErrorCode(StrEnum):
    """Why an input was refused."""

    NOT_FOUND = "NOT_FOUND"
    AMBIGUOUS = "AMBIGUOUS"
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    THROTTLED = "THROTTLED"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the input's path, its value, a code and a reason.

    `remedy` is what to do instead, when there is something: one action, or several in turn;
    `message` names them in the domain's words, and a front door names them its own way
    through `spelled`.
    """

    path: Path | None
    value: str | None
    code: ErrorCode
    reason: str
    remedy: tuple[Action, ...] = ()

    @property
    def message(self) -> str:
        """The reason, and the actions to take instead in the domain's words."""
        return self.spelled(ACTION_PHRASES.__getitem__)

    def spelled(self, name_action: Callable[[Action], str], lead_in: str = "") -> str:
        """The reason, with the remedy's actions named by `name_action` after `lead_in`
        ("use ")."""
        if not self.remedy:
            return self.reason
        steps = ", then ".join(name_action(action) for action in self.remedy)
        return f"{self.reason}: {lead_in}{steps} instead."


class DomainError(Exception):
    """A request the domain refuses, with every problem found; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))

    @classmethod
    def single(
        cls,
        path: Path | None,
        value: object,
        code: ErrorCode,
        reason: str,
        remedy: tuple[Action, ...] = (),
    ) -> "DomainError":
        """A refusal with exactly one problem."""
        return cls([Problem(path, _text(value), code, reason, remedy)])


def echoed(value: object) -> str:
    """A client's value as a refusal may repeat it: cut after `ECHO_LIMIT` characters."""
    text = str(value)
    return text if len(text) <= ECHO_LIMIT else f"{text[:ECHO_LIMIT]}… ({len(text)} characters)"


def _text(value: object) -> str | None:
    return None if value is None else echoed(value)


class Problems:
    """Collects problems so that a request reports all of them at once."""

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(
        self,
        path: Path | None,
        value: object,
        code: ErrorCode,
        reason: str,
        remedy: tuple[Action, ...] = (),
    ) -> None:
        """Record one problem."""
        self._found.append(Problem(path, _text(value), code, reason, remedy))

    def extend(self, error: DomainError) -> None:
        """Record the problems of a refusal raised by a lower-level check."""
        self._found.extend(error.problems)

    def __bool__(self) -> bool:
        return bool(self._found)

    def raise_if_any(self) -> None:
        """Refuse the request when anything was found."""
        if self._found:
            raise DomainError(self._found)
