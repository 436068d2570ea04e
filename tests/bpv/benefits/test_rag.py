"""RAG of a realised level against the prediction, for both directions of improvement."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpv.benefits import Rag, TrackingSettings, rag, track
from bpv.logic_model import Direction
from tests.bpv.benefits.series import (
    AFTER_ALL,
    FEWER_ADMISSIONS,
    MORE_AT_HOME,
    SETTINGS,
    D,
    observations,
    with_trajectory,
)

TOLERANCES = TrackingSettings(amber=0.10, red=0.25)
ORDER = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


@pytest.mark.parametrize(
    ("realised", "expected"),
    [
        (880.0, Rag.GREEN),  # beats the 900 predicted
        (900.0, Rag.GREEN),
        (905.0, Rag.GREEN),  # 5 short of an improvement of 100: within 10%
        (910.0, Rag.GREEN),  # exactly 10% short is still green
        (915.0, Rag.AMBER),
        (925.0, Rag.AMBER),  # exactly 25% short is still amber
        (930.0, Rag.RED),
        (1010.0, Rag.RED),  # the wrong way
    ],
)
def test_fewer_admissions_are_judged_downwards(realised: float, expected: Rag) -> None:
    assert rag(realised, 900.0, 1000.0, Direction.DECREASE, TOLERANCES) is expected


@pytest.mark.parametrize(
    ("realised", "expected"),
    [
        (65.0, Rag.GREEN),  # beats the 60 predicted
        (59.0, Rag.GREEN),  # 1 short of an improvement of 10
        (58.0, Rag.AMBER),  # 2 short: more than 10%, not more than 25%
        (57.5, Rag.AMBER),
        (57.0, Rag.RED),
        (45.0, Rag.RED),
    ],
)
def test_an_increase_is_judged_upwards(realised: float, expected: Rag) -> None:
    assert rag(realised, 60.0, 50.0, Direction.INCREASE, TOLERANCES) is expected


def test_with_no_improvement_predicted_yet_the_tolerance_is_a_share_of_the_baseline() -> None:
    # Nothing predicted to change: 5% below a baseline of 200 is green, 20% amber, 30% red.
    assert rag(190.0, 200.0, 200.0, Direction.INCREASE, TOLERANCES) is Rag.GREEN
    assert rag(160.0, 200.0, 200.0, Direction.INCREASE, TOLERANCES) is Rag.AMBER
    assert rag(140.0, 200.0, 200.0, Direction.INCREASE, TOLERANCES) is Rag.RED
    # And with a zero baseline only a level no worse than predicted is green.
    assert rag(0.0, 0.0, 0.0, Direction.DECREASE, TOLERANCES) is Rag.GREEN
    assert rag(-1.0, 0.0, 0.0, Direction.DECREASE, TOLERANCES) is Rag.GREEN
    assert rag(0.5, 0.0, 0.0, Direction.DECREASE, TOLERANCES) is Rag.RED


def test_tracked_periods_carry_variance_and_rag() -> None:
    hypothesis = with_trajectory(FEWER_ADMISSIONS, (D(2017, 4, 30), 900.0))
    april = observations((D(2017, 4, 1), D(2017, 4, 30), 920.0))

    period = track("h", hypothesis, april, SETTINGS, AFTER_ALL).periods[0]

    assert period.predicted == 900.0
    assert period.variance == 20.0
    assert period.variance_pct == pytest.approx(20.0 / 900.0)
    assert period.rag is Rag.AMBER


def test_variance_pct_is_none_when_the_prediction_is_zero() -> None:
    hypothesis = with_trajectory(MORE_AT_HOME, (D(2017, 4, 30), 0.0))
    april = observations((D(2017, 4, 1), D(2017, 4, 30), 3.0))

    period = track("h", hypothesis, april, SETTINGS, AFTER_ALL).periods[0]

    assert (period.variance, period.variance_pct) == (3.0, None)


levels = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
tolerances = st.tuples(
    st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0)
).map(lambda pair: TrackingSettings(amber=min(pair), red=max(pair)))


@given(levels, levels, levels, levels, st.sampled_from(Direction), tolerances)
def test_a_better_realised_level_never_gives_a_worse_rag(
    a: float,
    b: float,
    predicted: float,
    baseline: float,
    direction: Direction,
    settings: TrackingSettings,
) -> None:
    worse, better = sorted((a, b)) if direction is Direction.INCREASE else sorted((a, b))[::-1]

    assert (
        ORDER[rag(better, predicted, baseline, direction, settings)]
        <= ORDER[rag(worse, predicted, baseline, direction, settings)]
    )


@given(levels, levels, levels, st.sampled_from(Direction), tolerances)
def test_reversing_the_direction_and_negating_the_values_gives_the_same_rag(
    realised: float,
    predicted: float,
    baseline: float,
    direction: Direction,
    settings: TrackingSettings,
) -> None:
    other = Direction.DECREASE if direction is Direction.INCREASE else Direction.INCREASE

    assert rag(realised, predicted, baseline, direction, settings) is rag(
        -realised, -predicted, -baseline, other, settings
    )


@given(levels, levels, st.sampled_from(Direction), tolerances)
def test_meeting_the_prediction_is_green(
    predicted: float, baseline: float, direction: Direction, settings: TrackingSettings
) -> None:
    assert rag(predicted, predicted, baseline, direction, settings) is Rag.GREEN
