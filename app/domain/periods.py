"""Calendar arithmetic for the lead's time periods. Pure: every function is given its clock.

"k months after D" is the same day of the month k months on, or that month's last day when it
is shorter, always counted from D itself (dateutil's `relativedelta` does exactly that).
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from app.domain.enums import COMPLETED_STATES, TimeUnit
from app.domain.models import Lead

_FIXED_UNITS = {
    TimeUnit.MINUTES: timedelta(minutes=1),
    TimeUnit.HOURS: timedelta(hours=1),
    TimeUnit.DAYS: timedelta(days=1),
    TimeUnit.WEEKS: timedelta(weeks=1),
}
_MONTHS_IN = {TimeUnit.MONTHS: 1, TimeUnit.YEARS: 12}

# A period is measured against the span of up to a year that follows its end, so a lead's
# dates stay before the last year the calendar holds.
LAST_MOMENT = datetime(9999, 1, 1, tzinfo=UTC)


class OutOfRangeError(ValueError):
    """A moment outside what a lead's dates may be: before year 1 or from LAST_MOMENT on."""


@dataclass(frozen=True)
class TimePeriod:
    """A span expressed in one unit, as the seeds' `time_period_value` and `time_period_uot`."""

    value: float
    unit: TimeUnit


def in_utc(moment: datetime) -> datetime:
    """`moment` in UTC (read as UTC when it has no offset), before LAST_MOMENT; OutOfRangeError
    otherwise."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise OutOfRangeError(f"{moment.isoformat()} lies outside the calendar") from None
    if utc >= LAST_MOMENT:
        raise OutOfRangeError(f"{moment.isoformat()} is not before {LAST_MOMENT.isoformat()}")
    return utc


def add_period(start: datetime, value: int, unit: TimeUnit) -> datetime:
    """`start` moved on by `value` units (calendar months and years, fixed lengths otherwise);
    OutOfRangeError when that passes the calendar's last year."""
    try:
        if unit in _MONTHS_IN:
            end = start + relativedelta(months=value * _MONTHS_IN[unit])
        else:
            end = start + value * _FIXED_UNITS[unit]
    except (OverflowError, ValueError):
        raise OutOfRangeError(f"{start.isoformat()} plus {value} {unit} passes year 9999") from None
    return end


def _months_after(day: date, months: int) -> date:
    """`day` moved on by `months` calendar months, kept within the month it lands in (as
    relativedelta does: 31 January plus one month is the last day of February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _whole_months(start: date, end: date) -> int:
    """The largest k with `start` + k months on or before `end` (`start` <= `end`)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and _months_after(start, months) > end:
        months -= 1
    return months


def _months_and_fraction(start: date, end: date, whole: int, step: int) -> float:
    """`whole` months (a multiple of `step`) in units of `step` months, plus the days left over
    the length of the next `step`-month span."""
    reached = _months_after(start, whole)
    following = _months_after(start, whole + step)
    return whole / step + (end - reached).days / (following - reached).days


def period_between(start: datetime, end: datetime) -> TimePeriod:
    """The span from `start` to `end` (`start` <= `end`) in the largest unit it fills.

    Counted on calendar dates, time of day ignored: YEARS from 12 whole months, MONTHS from one,
    WEEKS from 7 days, DAYS from one; on the same date HOURS from one hour, MINUTES below it.
    """
    first, last = start.date(), end.date()
    if first == last:
        seconds = (end - start).total_seconds()
        if seconds >= 3600:
            return TimePeriod(seconds / 3600, TimeUnit.HOURS)
        return TimePeriod(seconds / 60, TimeUnit.MINUTES)
    months = _whole_months(first, last)
    if months >= 12:
        whole_years = months - months % 12
        return TimePeriod(_months_and_fraction(first, last, whole_years, 12), TimeUnit.YEARS)
    if months >= 1:
        return TimePeriod(_months_and_fraction(first, last, months, 1), TimeUnit.MONTHS)
    days = (last - first).days
    if days >= 7:
        return TimePeriod(days / 7, TimeUnit.WEEKS)
    return TimePeriod(float(days), TimeUnit.DAYS)


def time_to_completion(reference: datetime, expected_completion: datetime) -> TimePeriod | None:
    """From `reference` to the expected completion date, while that is still ahead."""
    if expected_completion <= reference:
        return None
    return period_between(reference, expected_completion)


def time_overdue(reference: datetime, expected_completion: datetime) -> TimePeriod | None:
    """From the expected completion date to `reference`, once it has passed."""
    if reference <= expected_completion:
        return None
    return period_between(expected_completion, reference)


def reference_time(lead: Lead, now: datetime) -> datetime:
    """The moment a lead's time periods are measured to: now while it is open, its actual
    completion date once completed (the periods freeze then)."""
    if lead.life_cycle_state in COMPLETED_STATES:
        return lead.actual_completion_date or lead.updated_at
    return now


def lead_time_to_completion(lead: Lead, now: datetime) -> TimePeriod | None:
    """A lead's time to completion as of `now`."""
    return time_to_completion(reference_time(lead, now), lead.expected_completion_date)


def lead_time_overdue(lead: Lead, now: datetime) -> TimePeriod | None:
    """How long a lead is overdue as of `now`."""
    return time_overdue(reference_time(lead, now), lead.expected_completion_date)
