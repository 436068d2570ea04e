"""Which periods a hypothesis is tracked over, what it predicts in each, and which are missing."""

import pytest

from bpv.benefits import Cadence, Observation, TrackingSettings, track
from bpv.benefits.periods import expected_periods, period_containing
from bpv.errors import InvalidInput
from tests.bpv.benefits.series import (
    AFTER_ALL,
    FEWER_ADMISSIONS,
    SETTINGS,
    D,
    observations,
    with_trajectory,
)


def test_months_run_from_the_first_after_the_baseline_through_the_one_holding_the_target() -> None:
    periods = expected_periods(D(2017, 3, 31), D(2018, 3, 31), Cadence.MONTH)

    assert len(periods) == 12
    assert periods[0] == (D(2017, 4, 1), D(2017, 4, 30))
    assert periods[10] == (D(2018, 2, 1), D(2018, 2, 28))
    assert periods[-1] == (D(2018, 3, 1), D(2018, 3, 31))


def test_a_baseline_inside_a_month_starts_with_the_next_whole_one() -> None:
    assert expected_periods(D(2017, 4, 15), D(2017, 6, 2), Cadence.MONTH) == [
        (D(2017, 5, 1), D(2017, 5, 31)),
        (D(2017, 6, 1), D(2017, 6, 30)),
    ]
    # A baseline on a period's first day: that period lies wholly after it.
    assert expected_periods(D(2017, 4, 1), D(2017, 4, 30), Cadence.MONTH) == [
        (D(2017, 4, 1), D(2017, 4, 30))
    ]


def test_quarters_are_calendar_quarters() -> None:
    assert expected_periods(D(2017, 3, 31), D(2018, 1, 15), Cadence.QUARTER) == [
        (D(2017, 4, 1), D(2017, 6, 30)),
        (D(2017, 7, 1), D(2017, 9, 30)),
        (D(2017, 10, 1), D(2017, 12, 31)),
        (D(2018, 1, 1), D(2018, 3, 31)),
    ]
    assert period_containing(D(2020, 2, 29), Cadence.QUARTER) == (D(2020, 1, 1), D(2020, 3, 31))
    assert period_containing(D(2020, 2, 29), Cadence.MONTH) == (D(2020, 2, 1), D(2020, 2, 29))


def test_predicted_is_the_trajectory_interpolated_by_day_and_read_at_the_period_end() -> None:
    hypothesis = with_trajectory(FEWER_ADMISSIONS, (D(2017, 5, 31), 900.0), (D(2017, 7, 31), 700.0))
    settings = TrackingSettings(cadence=Cadence.MONTH)

    tracked = track("h", hypothesis, [], settings, D(2017, 1, 1))

    predicted = [p.predicted for p in tracked.periods]
    # 30 April is 30 of the 61 days from the baseline (1000) to 31 May (900).
    assert predicted[0] == pytest.approx(1000 - 100 * 30 / 61)
    assert predicted[1] == 900.0
    # 30 June is 30 of the 61 days from 31 May (900) to 31 July (700).
    assert predicted[2] == pytest.approx(900 - 200 * 30 / 61)
    assert predicted[3] == 700.0
    assert len(predicted) == 4


def test_predicted_is_held_at_the_last_target_after_it() -> None:
    hypothesis = with_trajectory(FEWER_ADMISSIONS, (D(2017, 6, 15), 900.0))
    later = observations((D(2017, 9, 1), D(2017, 9, 30), 905.0))

    tracked = track("h", hypothesis, later, SETTINGS, AFTER_ALL)

    assert [(p.period_end, p.predicted) for p in tracked.periods][-2:] == [
        (D(2017, 6, 30), 900.0),
        (D(2017, 9, 30), 900.0),
    ]


def test_a_period_is_missing_only_once_its_grace_has_passed() -> None:
    settings = TrackingSettings(grace_days=30)
    april = observations((D(2017, 4, 1), D(2017, 4, 30), 990.0))

    tracked = track("h", FEWER_ADMISSIONS, april, settings, today=D(2017, 7, 30))

    by_month = {p.period_start.month: p for p in tracked.periods}
    assert by_month[4].realised == 990.0 and not by_month[4].missing
    # May ended 31 May: 30 days later is 30 June, before 30 July.
    assert by_month[5].missing and by_month[5].due
    assert (by_month[5].realised, by_month[5].rag, by_month[5].variance) == (None, None, None)
    # June ended 30 June: its grace ends on 30 July itself, so it is not missing yet.
    assert not by_month[6].missing and by_month[6].due and by_month[6].rag is None
    # July has not ended: not due, not missing.
    assert not by_month[7].missing and not by_month[7].due
    assert tracked.missing_periods == 1


def test_missing_is_never_read_as_zero() -> None:
    april = observations((D(2017, 4, 1), D(2017, 4, 30), 990.0))

    tracked = track("h", FEWER_ADMISSIONS, april, SETTINGS, AFTER_ALL)

    assert tracked.missing_periods == 11
    assert all(p.realised is None and p.realised_money is None for p in tracked.periods[1:])
    assert tracked.forecast is None
    # The verdict rests on April alone, and says the final reading is overdue.
    assert tracked.verdict.figures["periods_with_data"] == 1.0
    assert "has no reading" in tracked.verdict.rule


def test_several_sources_for_one_period_count_as_their_mean() -> None:
    april = observations(
        (D(2017, 4, 1), D(2017, 4, 30), 980.0), (D(2017, 4, 1), D(2017, 4, 30), 1000.0)
    )

    first = track("h", FEWER_ADMISSIONS, april, SETTINGS, AFTER_ALL).periods[0]

    assert (first.realised, first.observations) == (990.0, 2)


def test_observations_of_other_periods_are_kept_as_extra_periods_in_date_order() -> None:
    items = observations(
        (D(2017, 4, 1), D(2017, 6, 30), 970.0),  # a quarter, beside the months
        (D(2016, 4, 1), D(2017, 3, 31), 1010.0),  # the year before the baseline
        (D(2018, 4, 1), D(2018, 4, 30), 875.0),  # after the last target
        (D(2017, 4, 1), D(2017, 4, 30), 990.0),
    )

    tracked = track("h", FEWER_ADMISSIONS, items, SETTINGS, AFTER_ALL)

    spans = [(p.period_start, p.period_end, p.expected) for p in tracked.periods]
    assert spans == sorted(spans)
    assert len(tracked.periods) == 12 + 3
    extra = {(p.period_start, p.period_end): p for p in tracked.periods if not p.expected}
    before = extra[(D(2016, 4, 1), D(2017, 3, 31))]
    quarter = extra[(D(2017, 4, 1), D(2017, 6, 30))]
    after = extra[(D(2018, 4, 1), D(2018, 4, 30))]
    assert before.predicted == 1000.0 and before.realised == 1010.0
    assert quarter.predicted == pytest.approx(1000 - 120 * 91 / 365)
    assert after.predicted == 880.0 and after.rag is not None
    # None of them is ever missing; only the one after the target adds to the money totals
    # (the year before the baseline is no benefit, the quarter overlaps its months).
    assert not any(p.missing for p in extra.values())
    assert [p.in_totals for p in (before, quarter, after)] == [False, False, True]


def test_an_extra_period_overlapping_an_earlier_extra_is_left_out_of_the_totals() -> None:
    items = (
        Observation(D(2018, 4, 1), D(2018, 6, 30), 870.0),  # a quarter after the last target
        Observation(D(2018, 5, 1), D(2018, 5, 31), 872.0),  # a month inside that quarter
        Observation(D(2018, 7, 1), D(2018, 7, 31), 868.0),  # the month after the quarter
    )

    tracked = track("h", FEWER_ADMISSIONS, items, SETTINGS, AFTER_ALL)

    extra = [p for p in tracked.periods if not p.expected]
    assert [(p.period_start, p.in_totals) for p in extra] == [
        (D(2018, 4, 1), True),
        (D(2018, 5, 1), False),
        (D(2018, 7, 1), True),
    ]


def test_a_period_ending_before_it_starts_is_refused() -> None:
    bad = [Observation(D(2017, 5, 1), D(2017, 4, 30), 1.0)]

    with pytest.raises(InvalidInput) as error:
        track("h", FEWER_ADMISSIONS, bad, SETTINGS, AFTER_ALL)

    assert error.value.field == "observations[0].period_end"


def test_a_value_that_is_not_finite_is_refused() -> None:
    bad = [
        Observation(D(2017, 4, 1), D(2017, 4, 30), 1.0),
        Observation(D(2017, 5, 1), D(2017, 5, 31), float("nan")),
    ]

    with pytest.raises(InvalidInput) as error:
        track("h", FEWER_ADMISSIONS, bad, SETTINGS, AFTER_ALL)

    assert error.value.field == "observations[1].value"


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (TrackingSettings(amber=0.3, red=0.2), "settings.red"),
        (TrackingSettings(amber=-0.1), "settings.amber"),
        (TrackingSettings(grace_days=-1), "settings.grace_days"),
    ],
)
def test_inconsistent_settings_are_refused(settings: TrackingSettings, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        track("h", FEWER_ADMISSIONS, [], settings, AFTER_ALL)

    assert error.value.field == field


def test_a_hypothesis_without_a_trajectory_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        track("h", with_trajectory(FEWER_ADMISSIONS), [], SETTINGS, AFTER_ALL)

    assert error.value.field == "hypothesis.trajectory"
