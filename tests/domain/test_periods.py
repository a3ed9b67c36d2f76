"""Calendar arithmetic for time periods, checked against the rule in docs/domain.md.

Every expected value was worked out by hand from that rule ("k months after D" is counted from
D itself, clamped to the month's last day; the fraction is the days left over the length of the
next month-long or year-long span), never by calling the code under test.
"""

from datetime import UTC, datetime

import pytest

from app.domain.enums import TimeUnit
from app.domain.periods import (
    LAST_MOMENT,
    OutOfRangeError,
    add_period,
    in_utc,
    period_between,
    time_overdue,
    time_to_completion,
)

# --- add_period ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "value", "unit", "expected"),
    [
        pytest.param(
            datetime(2015, 2, 20, 17, 28, 30),
            45,
            TimeUnit.MINUTES,
            datetime(2015, 2, 20, 18, 13, 30),
            id="minutes",
        ),
        pytest.param(
            datetime(2015, 2, 20, 17, 28, 30),
            10,
            TimeUnit.HOURS,
            datetime(2015, 2, 21, 3, 28, 30),
            id="hours-across-midnight",
        ),
        pytest.param(
            datetime(2015, 2, 20, 17, 28, 30),
            10,
            TimeUnit.DAYS,
            datetime(2015, 3, 2, 17, 28, 30),
            id="days-across-february-2015",
        ),
        pytest.param(
            datetime(2015, 2, 20, 17, 28, 30),
            3,
            TimeUnit.WEEKS,
            datetime(2015, 3, 13, 17, 28, 30),
            id="seed-create-3-weeks",
        ),
        pytest.param(
            datetime(2016, 11, 1, 14, 57, 21),
            1,
            TimeUnit.MONTHS,
            datetime(2016, 12, 1, 14, 57, 21),
            id="seed-create-1-month",
        ),
        pytest.param(
            datetime(2015, 6, 15, 9, 0),
            2,
            TimeUnit.YEARS,
            datetime(2017, 6, 15, 9, 0),
            id="years",
        ),
        pytest.param(
            datetime(2016, 11, 1, 14, 57, 21),
            0,
            TimeUnit.DAYS,
            datetime(2016, 11, 1, 14, 57, 21),
            id="zero-value-is-unchanged",
        ),
    ],
)
def test_add_period_moves_on_by_each_unit(
    start: datetime, value: int, unit: TimeUnit, expected: datetime
) -> None:
    # given a start, a count and a unit
    # when the period is added
    result = add_period(start, value, unit)
    # then the result is the hand-computed date and time
    assert result == expected


@pytest.mark.parametrize(
    ("start", "value", "unit", "expected"),
    [
        pytest.param(
            datetime(2015, 1, 31, 8, 30),
            1,
            TimeUnit.MONTHS,
            datetime(2015, 2, 28, 8, 30),
            id="31-jan-2015-plus-1-month-is-28-feb",
        ),
        pytest.param(
            datetime(2016, 1, 31, 8, 30),
            1,
            TimeUnit.MONTHS,
            datetime(2016, 2, 29, 8, 30),
            id="31-jan-2016-plus-1-month-is-29-feb",
        ),
        pytest.param(
            datetime(2016, 3, 31, 8, 30),
            1,
            TimeUnit.MONTHS,
            datetime(2016, 4, 30, 8, 30),
            id="31-mar-plus-1-month-is-30-apr",
        ),
        pytest.param(
            datetime(2016, 1, 31, 8, 30),
            2,
            TimeUnit.MONTHS,
            datetime(2016, 3, 31, 8, 30),
            id="31-jan-plus-2-months-is-31-mar-not-chained",
        ),
        pytest.param(
            datetime(2016, 12, 31, 8, 30),
            2,
            TimeUnit.MONTHS,
            datetime(2017, 2, 28, 8, 30),
            id="31-dec-plus-2-months-across-year-end",
        ),
        pytest.param(
            datetime(2016, 2, 29, 8, 30),
            1,
            TimeUnit.YEARS,
            datetime(2017, 2, 28, 8, 30),
            id="29-feb-plus-1-year-is-28-feb",
        ),
        pytest.param(
            datetime(2016, 2, 29, 8, 30),
            4,
            TimeUnit.YEARS,
            datetime(2020, 2, 29, 8, 30),
            id="29-feb-plus-4-years-is-29-feb",
        ),
    ],
)
def test_add_period_clamps_to_month_end(
    start: datetime, value: int, unit: TimeUnit, expected: datetime
) -> None:
    # given a start near the end of a month
    # when calendar months or years are added
    result = add_period(start, value, unit)
    # then the day is kept, or clamped to the last day of a shorter month, time of day kept
    assert result == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        pytest.param(30, TimeUnit.MINUTES, datetime(2016, 11, 1, 15, 27, 21, tzinfo=UTC), id="min"),
        pytest.param(2, TimeUnit.HOURS, datetime(2016, 11, 1, 16, 57, 21, tzinfo=UTC), id="hours"),
        pytest.param(1, TimeUnit.DAYS, datetime(2016, 11, 2, 14, 57, 21, tzinfo=UTC), id="days"),
        pytest.param(1, TimeUnit.WEEKS, datetime(2016, 11, 8, 14, 57, 21, tzinfo=UTC), id="weeks"),
        pytest.param(1, TimeUnit.MONTHS, datetime(2016, 12, 1, 14, 57, 21, tzinfo=UTC), id="mon"),
        pytest.param(1, TimeUnit.YEARS, datetime(2017, 11, 1, 14, 57, 21, tzinfo=UTC), id="years"),
    ],
)
def test_add_period_keeps_timezone(value: int, unit: TimeUnit, expected: datetime) -> None:
    # given a timezone-aware start in UTC
    start = datetime(2016, 11, 1, 14, 57, 21, tzinfo=UTC)
    # when a period is added
    result = add_period(start, value, unit)
    # then the result is the same instant plus the period, still in UTC
    assert result == expected
    assert result.tzinfo is UTC


# --- period_between: the worked examples and the seeds' figures ---------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected_value", "expected_unit"),
    [
        pytest.param(
            datetime(2016, 11, 2),
            datetime(2016, 12, 1),
            29 / 7,
            TimeUnit.WEEKS,
            id="doc-29-days-is-weeks",
        ),
        pytest.param(
            datetime(2016, 3, 24),
            datetime(2016, 11, 1),
            7.258064516129032,  # 7 months reach 2016-10-24, 8 days of the 31 to 2016-11-24
            TimeUnit.MONTHS,
            id="doc-7-months-and-8-of-31-days",
        ),
        pytest.param(
            datetime(2016, 11, 1),
            datetime(2016, 12, 1),
            1,
            TimeUnit.MONTHS,
            id="doc-exactly-1-month",
        ),
        pytest.param(
            datetime(2015, 5, 12, 15, 10, 44),
            datetime(2016, 2, 16),
            9.137931034482758,  # 9 months reach 2016-02-12, 4 days of the 29 to 2016-03-12
            TimeUnit.MONTHS,
            id="seed-overdue-from-12-may-2015",
        ),
        pytest.param(
            datetime(2015, 5, 13),
            datetime(2016, 2, 16),
            9.10344827586207,  # 9 months reach 2016-02-13, 3 days of the 29 to 2016-03-13
            TimeUnit.MONTHS,
            id="seed-overdue-from-13-may-2015",
        ),
    ],
)
def test_period_between_worked_examples(
    start: datetime, end: datetime, expected_value: float, expected_unit: TimeUnit
) -> None:
    # given the spans from the documentation and the seeds
    # when the period between them is computed
    period = period_between(start, end)
    # then it matches the documented figure
    assert period.unit is expected_unit
    assert period.value == pytest.approx(expected_value, abs=1e-9)


# --- period_between: unit boundaries -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected_value", "expected_unit"),
    [
        pytest.param(
            datetime(2016, 11, 1, 10, 0),
            datetime(2016, 11, 1, 10, 0),
            0,
            TimeUnit.MINUTES,
            id="same-instant-is-0-minutes",
        ),
        pytest.param(
            datetime(2016, 11, 1, 10, 0, 0),
            datetime(2016, 11, 1, 10, 45, 30),
            45.5,
            TimeUnit.MINUTES,
            id="same-date-45m30s-is-minutes",
        ),
        pytest.param(
            datetime(2016, 11, 1, 10, 0, 0),
            datetime(2016, 11, 1, 10, 59, 59),
            3599 / 60,
            TimeUnit.MINUTES,
            id="same-date-just-under-an-hour-is-minutes",
        ),
        pytest.param(
            datetime(2016, 11, 1, 10, 0),
            datetime(2016, 11, 1, 11, 0),
            1,
            TimeUnit.HOURS,
            id="same-date-exactly-1-hour",
        ),
        pytest.param(
            datetime(2016, 11, 1, 0, 0),
            datetime(2016, 11, 1, 23, 59),
            23 + 59 / 60,
            TimeUnit.HOURS,
            id="same-date-23h59-is-hours",
        ),
        pytest.param(
            datetime(2016, 11, 1, 23, 0),
            datetime(2016, 11, 2, 1, 0),
            1,
            TimeUnit.DAYS,
            id="next-date-after-2-hours-is-1-day",
        ),
        pytest.param(
            datetime(2016, 11, 1, 23, 59, 59),
            datetime(2016, 11, 2, 0, 0, 1),
            1,
            TimeUnit.DAYS,
            id="next-date-after-2-seconds-is-1-day",
        ),
        pytest.param(
            datetime(2016, 11, 1, 18, 0),
            datetime(2016, 11, 7, 6, 0),
            6,
            TimeUnit.DAYS,
            id="6-dates-on-is-6-days",
        ),
        pytest.param(
            datetime(2016, 11, 1, 18, 0),
            datetime(2016, 11, 8, 6, 0),
            1,
            TimeUnit.WEEKS,
            id="7-dates-on-is-1-week",
        ),
        pytest.param(
            datetime(2016, 1, 1),
            datetime(2016, 1, 31),
            30 / 7,
            TimeUnit.WEEKS,
            id="30-days-in-a-31-day-month-is-weeks",
        ),
        pytest.param(
            datetime(2016, 1, 15),
            datetime(2016, 2, 15),
            1,
            TimeUnit.MONTHS,
            id="exactly-1-month",
        ),
        pytest.param(
            datetime(2016, 1, 10),
            datetime(2016, 12, 25),
            11 + 15 / 31,  # 11 months reach 2016-12-10, 15 days of the 31 to 2017-01-10
            TimeUnit.MONTHS,
            id="11-months-and-15-days",
        ),
        pytest.param(
            datetime(2015, 1, 31),
            datetime(2016, 1, 30),
            11 + 30 / 31,  # 11 months reach 2015-12-31, 30 days of the 31 to 2016-01-31
            TimeUnit.MONTHS,
            id="one-day-short-of-a-year-is-months",
        ),
        pytest.param(
            datetime(2015, 3, 10),
            datetime(2016, 3, 10),
            1,
            TimeUnit.YEARS,
            id="12-months-is-1-year",
        ),
    ],
)
def test_period_between_picks_the_largest_unit_filled(
    start: datetime, end: datetime, expected_value: float, expected_unit: TimeUnit
) -> None:
    # given a span just at or around a unit boundary
    # when the period between its ends is computed
    period = period_between(start, end)
    # then the unit is the largest one filled on calendar dates, with the hand-computed value
    assert period.unit is expected_unit
    assert period.value == pytest.approx(expected_value, abs=1e-9)


@pytest.mark.parametrize(
    ("start", "end", "expected_value", "expected_unit"),
    [
        pytest.param(
            datetime(2015, 12, 15),
            datetime(2016, 1, 20),
            1 + 5 / 31,  # 1 month reaches 2016-01-15, 5 days of the 31 to 2016-02-15
            TimeUnit.MONTHS,
            id="across-year-end",
        ),
        pytest.param(
            datetime(2016, 2, 29),
            datetime(2017, 2, 28),
            1,  # 29 Feb 2016 + 12 months is 28 Feb 2017
            TimeUnit.YEARS,
            id="29-feb-to-28-feb-next-year-is-1-year",
        ),
        pytest.param(
            datetime(2015, 1, 31),
            datetime(2015, 2, 28),
            1,  # 31 Jan 2015 + 1 month is 28 Feb 2015
            TimeUnit.MONTHS,
            id="31-jan-to-28-feb-2015-is-1-month",
        ),
        pytest.param(
            datetime(2016, 1, 31),
            datetime(2016, 2, 28),
            28 / 7,  # 31 Jan 2016 + 1 month is 29 Feb 2016, so only 28 days
            TimeUnit.WEEKS,
            id="31-jan-to-28-feb-2016-is-weeks",
        ),
        pytest.param(
            datetime(2016, 1, 31),
            datetime(2016, 3, 15),
            1 + 15 / 31,  # 1 month reaches 29 Feb; next span 29 Feb..31 Mar (from D) is 31 days
            TimeUnit.MONTHS,
            id="fraction-span-counted-from-start-not-chained",
        ),
        pytest.param(
            datetime(2015, 1, 31),
            datetime(2016, 3, 1),
            1 + 30 / 366,  # 1 year reaches 2016-01-31, 30 days of the 366 to 2017-01-31
            TimeUnit.YEARS,
            id="1-year-and-30-of-366-days",
        ),
        pytest.param(
            datetime(2010, 6, 15),
            datetime(2016, 6, 20),
            6 + 5 / 365,  # 6 years reach 2016-06-15, 5 days of the 365 to 2017-06-15
            TimeUnit.YEARS,
            id="6-years-and-5-of-365-days",
        ),
    ],
)
def test_period_between_month_ends_leap_days_and_years(
    start: datetime, end: datetime, expected_value: float, expected_unit: TimeUnit
) -> None:
    # given a span over month ends, leap days or several years
    # when the period between its ends is computed
    period = period_between(start, end)
    # then months are counted from the start date itself and the fraction is hand-computed
    assert period.unit is expected_unit
    assert period.value == pytest.approx(expected_value, abs=1e-9)


def test_period_between_accepts_timezone_aware_datetimes() -> None:
    # given two UTC datetimes 7 months and 8 days apart by calendar date
    start = datetime(2016, 3, 24, 9, 0, tzinfo=UTC)
    end = datetime(2016, 11, 1, 8, 0, tzinfo=UTC)
    # when the period between them is computed
    period = period_between(start, end)
    # then time of day is ignored and the documented figure comes out
    assert period.unit is TimeUnit.MONTHS
    assert period.value == pytest.approx(7 + 8 / 31, abs=1e-9)


# --- time_to_completion and time_overdue --------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected_completion", "expected_value", "expected_unit"),
    [
        pytest.param(
            datetime(2016, 11, 2, 12, 0),
            datetime(2016, 12, 1, 9, 0),
            29 / 7,
            TimeUnit.WEEKS,
            id="29-days-ahead",
        ),
        pytest.param(
            datetime(2016, 11, 1, 14, 57, 21, tzinfo=UTC),
            datetime(2016, 12, 1, 14, 57, 21, tzinfo=UTC),
            1,
            TimeUnit.MONTHS,
            id="1-month-ahead-utc",
        ),
        pytest.param(
            datetime(2016, 11, 1, 10, 0),
            datetime(2016, 11, 1, 10, 30),
            30,
            TimeUnit.MINUTES,
            id="30-minutes-ahead",
        ),
    ],
)
def test_completion_ahead_gives_only_time_to_completion(
    reference: datetime,
    expected_completion: datetime,
    expected_value: float,
    expected_unit: TimeUnit,
) -> None:
    # given an expected completion date still ahead of the reference time
    # when both periods are computed
    to_completion = time_to_completion(reference, expected_completion)
    overdue = time_overdue(reference, expected_completion)
    # then only the time to completion applies
    assert to_completion is not None
    assert to_completion.unit is expected_unit
    assert to_completion.value == pytest.approx(expected_value, abs=1e-9)
    assert overdue is None


@pytest.mark.parametrize(
    ("reference", "expected_completion", "expected_value", "expected_unit"),
    [
        pytest.param(
            datetime(2016, 2, 16),
            datetime(2015, 5, 12, 15, 10, 44),
            9 + 4 / 29,
            TimeUnit.MONTHS,
            id="seed-overdue-9-months-4-of-29-days",
        ),
        pytest.param(
            datetime(2016, 2, 16),
            datetime(2015, 5, 13),
            9 + 3 / 29,
            TimeUnit.MONTHS,
            id="seed-overdue-9-months-3-of-29-days",
        ),
        pytest.param(
            datetime(2016, 11, 1, 12, 0, tzinfo=UTC),
            datetime(2016, 3, 24, 12, 0, tzinfo=UTC),
            7 + 8 / 31,
            TimeUnit.MONTHS,
            id="overdue-7-months-8-of-31-days-utc",
        ),
        pytest.param(
            datetime(2016, 11, 2, 1, 0),
            datetime(2016, 11, 1, 23, 0),
            1,
            TimeUnit.DAYS,
            id="overdue-across-midnight-is-1-day",
        ),
    ],
)
def test_completion_passed_gives_only_time_overdue(
    reference: datetime,
    expected_completion: datetime,
    expected_value: float,
    expected_unit: TimeUnit,
) -> None:
    # given an expected completion date already passed at the reference time
    # when both periods are computed
    to_completion = time_to_completion(reference, expected_completion)
    overdue = time_overdue(reference, expected_completion)
    # then only the time overdue applies, counted from the expected completion date
    assert to_completion is None
    assert overdue is not None
    assert overdue.unit is expected_unit
    assert overdue.value == pytest.approx(expected_value, abs=1e-9)


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(datetime(2016, 11, 1, 14, 57, 21), id="naive"),
        pytest.param(datetime(2016, 11, 1, 14, 57, 21, tzinfo=UTC), id="utc"),
    ],
)
def test_completion_equal_to_reference_gives_neither(moment: datetime) -> None:
    # given an expected completion date equal to the reference time
    # when both periods are computed
    to_completion = time_to_completion(moment, moment)
    overdue = time_overdue(moment, moment)
    # then neither applies
    assert to_completion is None
    assert overdue is None


# --- the calendar's ends ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "value", "unit"),
    [
        pytest.param(datetime(9999, 6, 1, tzinfo=UTC), 1, TimeUnit.YEARS, id="years"),
        pytest.param(datetime(2026, 1, 1, tzinfo=UTC), 2_000_000_000, TimeUnit.MONTHS, id="mon"),
        pytest.param(datetime(9999, 12, 31, tzinfo=UTC), 1, TimeUnit.DAYS, id="days"),
    ],
)
def test_add_period_past_the_calendar_is_out_of_range(
    start: datetime, value: int, unit: TimeUnit
) -> None:
    with pytest.raises(OutOfRangeError):
        add_period(start, value, unit)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(
            datetime(2016, 11, 1, 9, 0), datetime(2016, 11, 1, 9, 0, tzinfo=UTC), id="naive"
        ),
        pytest.param(
            datetime.fromisoformat("2016-11-01T09:00:00+02:00"),
            datetime(2016, 11, 1, 7, 0, tzinfo=UTC),
            id="offset",
        ),
        pytest.param(
            datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC),
            datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC),
            id="last-second",
        ),
    ],
)
def test_in_utc_reads_naive_moments_as_utc(moment: datetime, expected: datetime) -> None:
    result = in_utc(moment)

    assert (result, result.tzinfo) == (expected, UTC)


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(LAST_MOMENT, id="last-moment"),
        pytest.param(datetime.fromisoformat("9998-12-31T23:00:00-05:00"), id="past-it-in-utc"),
        pytest.param(datetime.fromisoformat("0001-01-01T00:00:00+05:00"), id="before-year-1"),
    ],
)
def test_in_utc_refuses_moments_outside_the_range(moment: datetime) -> None:
    with pytest.raises(OutOfRangeError):
        in_utc(moment)
