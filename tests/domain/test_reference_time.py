"""The moment a lead's time periods are measured to: now while the lead is open, its actual
completion date once it is completed, so that the periods freeze when it completes."""

from datetime import UTC, datetime

import pytest

from app.domain.enums import Importance, LeadSourceType, LifeCycleState, TimeUnit
from app.domain.models import Lead
from app.domain.periods import (
    TimePeriod,
    lead_time_overdue,
    lead_time_to_completion,
    reference_time,
)

START = datetime(2016, 11, 1, 14, 57, 21, tzinfo=UTC)
EXPECTED = datetime(2016, 12, 1, 14, 57, 21, tzinfo=UTC)
COMPLETED = datetime(2016, 11, 2, 14, 57, 21, tzinfo=UTC)
NOW = datetime(2016, 12, 15, 14, 57, 21, tzinfo=UTC)


def _lead(state: LifeCycleState, completed: datetime | None) -> Lead:
    # The fields every lead has, though no period reads them
    return Lead(
        number=1,
        importance=Importance.IMPORTANCE1,
        priority=1,
        source_type=LeadSourceType.WEBSITE,
        estimated_value=1.0,
        estimated_unit=TimeUnit.MONTHS,
        life_cycle_state=state,
        start_date=START,
        expected_completion_date=EXPECTED,
        actual_completion_date=completed,
        updated_at=START,
    )


def test_an_open_lead_is_measured_to_now() -> None:
    lead = _lead(LifeCycleState.IN_PROGRESS, None)

    assert reference_time(lead, NOW) == NOW
    assert lead_time_to_completion(lead, NOW) is None
    assert lead_time_overdue(lead, NOW) == TimePeriod(2.0, TimeUnit.WEEKS)


@pytest.mark.parametrize(
    "state", [LifeCycleState.WON, LifeCycleState.LOST, LifeCycleState.CANCELLED]
)
def test_a_completed_lead_is_measured_to_its_completion(state: LifeCycleState) -> None:
    lead = _lead(state, COMPLETED)

    assert reference_time(lead, NOW) == COMPLETED
    assert lead_time_to_completion(lead, NOW) == TimePeriod(29 / 7, TimeUnit.WEEKS)
    assert lead_time_overdue(lead, NOW) is None


def test_a_completed_lead_without_a_completion_date_is_measured_to_its_last_change() -> None:
    lead = _lead(LifeCycleState.WON, None)

    assert reference_time(lead, NOW) == START
    assert lead_time_to_completion(lead, NOW) == TimePeriod(1.0, TimeUnit.MONTHS)
