"""Checking a lead's schedule: its start, its expected completion date or estimated
completion time (exactly one is given; the other follows), and its user-defined dates.

A part of `ChangeCheck` (`app/domain/leads/validation.py`), kept apart because the dates are
a concept of their own.
"""

from datetime import datetime
from typing import Any

from app.domain.errors import ErrorCode, Path, Problems
from app.domain.leads.commands import LeadChanges, PeriodInput, Unset
from app.domain.models import Lead
from app.domain.periods import LAST_MOMENT, OutOfRangeError, add_period, in_utc, period_between


def _path(name: str) -> Path:
    return ("changes", name)


class ScheduleCheck:
    """The date checks of a `ChangeCheck`; they fill the same plan and problems."""

    lead: Lead | None
    changes: LeadChanges
    now: datetime
    problems: Problems
    values: dict[str, Any]

    def current(self, column: str) -> Any:
        """The value a column will have: planned, else the lead's, else None."""
        if column in self.values:
            return self.values[column]
        return None if self.lead is None else getattr(self.lead, column)

    def required(self, name: str, message: str) -> None:
        self.problems.add(_path(name), None, ErrorCode.REQUIRED, message)

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
                _path("estimated_completion_time"),
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
        elif "start_date" in self.values:
            self.expected_on(start, self.lead.expected_completion_date)

    def start_date(self) -> datetime | None:
        """The start the lead will have: given, kept, or now for a new lead."""
        given = self.changes.start_date
        if not isinstance(given, Unset):
            start = self.moment("start_date", given)
            if start is not None:
                self.values["start_date"] = start
            return start
        if self.lead is None:
            self.values["start_date"] = self.now
        start_date: datetime = self.current("start_date")
        return start_date

    def expected_from_estimate(self, start: datetime, estimated: PeriodInput) -> None:
        if estimated.value <= 0:
            self.problems.add(
                (*_path("estimated_completion_time"), "value"),
                estimated.value,
                ErrorCode.INVALID,
                "The estimated completion time must be a positive number of units.",
            )
            return
        try:
            end = in_utc(add_period(start, estimated.value, estimated.unit))
        except OutOfRangeError:
            self.problems.add(
                _path("estimated_completion_time"),
                f"{estimated.value} {estimated.unit}",
                ErrorCode.INVALID,
                f"The estimated completion time reaches past {LAST_MOMENT.date()}.",
            )
            return
        self.values["expected_completion_date"] = end
        self.values["estimated_value"] = float(estimated.value)
        self.values["estimated_unit"] = estimated.unit

    def expected_on(self, start: datetime, expected: datetime) -> None:
        """Complete the lead at `expected`, its estimated time being the span from `start`."""
        if expected <= start:
            self.problems.add(
                _path("expected_completion_date"),
                expected.isoformat(),
                ErrorCode.INVALID,
                f"The expected completion date must come after the start date {start.isoformat()}.",
            )
            return
        period = period_between(start, expected)
        self.values["expected_completion_date"] = expected
        self.values["estimated_value"] = period.value
        self.values["estimated_unit"] = period.unit

    def udf(self) -> None:
        for name, value in self.changes.udf.items():
            if isinstance(value, datetime):
                value = self.moment(name, value)
                if value is None:
                    continue
            self.values[name] = value
