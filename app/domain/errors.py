"""Expected failures of the domain: each names the input, the value and the reason."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Why an input was refused."""

    NOT_FOUND = "NOT_FOUND"
    AMBIGUOUS = "AMBIGUOUS"
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONFLICT = "CONFLICT"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the input path, its value, a code and a sentence."""

    field: str | None
    value: str | None
    code: ErrorCode
    message: str


class DomainError(Exception):
    """A request the domain refuses, with every problem found; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))

    @classmethod
    def single(
        cls, field: str | None, value: object, code: ErrorCode, message: str
    ) -> "DomainError":
        """A refusal with exactly one problem."""
        return cls([Problem(field, _text(value), code, message)])


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class Problems:
    """Collects problems so that a request reports all of them at once."""

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(self, field: str | None, value: object, code: ErrorCode, message: str) -> None:
        """Record one problem."""
        self._found.append(Problem(field, _text(value), code, message))

    def extend(self, error: DomainError) -> None:
        """Record the problems of a refusal raised by a lower-level check."""
        self._found.extend(error.problems)

    def __bool__(self) -> bool:
        return bool(self._found)

    def raise_if_any(self) -> None:
        """Refuse the request when anything was found."""
        if self._found:
            raise DomainError(self._found)
