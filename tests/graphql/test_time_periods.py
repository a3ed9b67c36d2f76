"""timeToCompletion and timeOverdue through the API, in every unit, from the request clock."""

from datetime import UTC, datetime

import pytest

from tests.conftest import Clock, GraphQLClient

# Lead 40 is PENDING and expected on 2016-12-01T13:14:39.
PERIODS = (
    '{ lead(ref: {number: "40"}) { timeToCompletion { value unit } timeOverdue { value unit } } }'
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "to_completion", "overdue"),
    [
        pytest.param("2016-12-01T13:00:00", (879 / 60, "MINUTES"), None, id="minutes"),
        pytest.param("2016-12-01T10:00:00", (11679 / 3600, "HOURS"), None, id="hours"),
        pytest.param("2016-11-28T20:00:00", (3.0, "DAYS"), None, id="days"),
        pytest.param("2016-11-20T08:00:00", (11 / 7, "WEEKS"), None, id="weeks"),
        # 2016-09-15 + 2 months = 2016-11-15; 16 days left of the 30 to 2016-12-15
        pytest.param("2016-09-15T00:00:00", (2 + 16 / 30, "MONTHS"), None, id="months"),
        # 2014-10-01 + 2 years = 2016-10-01; 61 days left of the 365 to 2017-10-01
        pytest.param("2014-10-01T00:00:00", (2 + 61 / 365, "YEARS"), None, id="years"),
        pytest.param("2016-12-01T13:20:39", None, (6.0, "MINUTES"), id="overdue minutes"),
        pytest.param("2016-12-31T00:00:00", None, (30 / 7, "WEEKS"), id="overdue weeks"),
        # 2016-12-01 + 1 month = 2017-01-01; 19 days on, of the 31 to 2017-02-01
        pytest.param("2017-01-20T00:00:00", None, (1 + 19 / 31, "MONTHS"), id="overdue months"),
    ],
)
async def test_periods_follow_the_request_clock(
    gql: GraphQLClient,
    clock: Clock,
    now: str,
    to_completion: tuple[float, str] | None,
    overdue: tuple[float, str] | None,
) -> None:
    clock.now = at(now)

    lead = (await gql.data(PERIODS))["lead"]

    def period(expected: tuple[float, str] | None) -> dict[str, object] | None:
        if expected is None:
            return None
        return {"value": pytest.approx(expected[0], abs=1e-9), "unit": expected[1]}

    assert lead == {"timeToCompletion": period(to_completion), "timeOverdue": period(overdue)}


async def test_periods_freeze_when_the_lead_completes(gql: GraphQLClient, clock: Clock) -> None:
    clock.now = at("2016-11-20T08:00:00")
    await gql.data('mutation { cancelLead(ref: {number: "40"}) { errors { code } } }')

    clock.now = at("2019-05-01T00:00:00")
    lead = (await gql.data(PERIODS))["lead"]

    assert lead == {
        "timeToCompletion": {"value": pytest.approx(11 / 7, abs=1e-9), "unit": "WEEKS"},
        "timeOverdue": None,
    }
