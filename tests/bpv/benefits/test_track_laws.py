"""Laws a tracked indicator obeys whatever its numbers."""

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpv.benefits import IndicatorTrack, Observation, track
from bpv.hypotheses import Baseline, BenefitType, Monetisation, TrajectoryPoint
from bpv.logic_model import Direction, Indicator
from tests.bpv.benefits.series import MORE_AT_HOME, SETTINGS, D

values = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
TODAY = D(2018, 2, 10)
MONTHS = [(D(2017, m, 1), D(2017, m + 1, 1) - dt.timedelta(days=1)) for m in range(4, 12)]


@st.composite
def cases(draw: st.DrawFn) -> tuple[float, float, float, list[float | None]]:
    baseline = draw(values)
    middle = draw(values)
    target = draw(values)
    realised = draw(st.lists(st.one_of(st.none(), values), min_size=8, max_size=8))
    return baseline, middle, target, realised


def tracked(
    baseline: float, middle: float, target: float, realised: list[float | None], sign: float
) -> IndicatorTrack:
    direction = Direction.INCREASE if sign > 0 else Direction.DECREASE
    hypothesis = replace(
        MORE_AT_HOME,
        indicator=Indicator("x", "u", direction),
        baseline=Baseline(sign * baseline, D(2017, 3, 31)),
        trajectory=(
            TrajectoryPoint(D(2017, 9, 30), sign * middle),
            TrajectoryPoint(D(2018, 3, 31), sign * target),
        ),
        monetisation=Monetisation(10.0, BenefitType.SOCIETAL),
    )
    observations = [
        Observation(start, end, sign * value)
        for (start, end), value in zip(MONTHS, realised, strict=True)
        if value is not None
    ]
    return track("h", hypothesis, observations, SETTINGS, TODAY)


@given(cases())
def test_reversing_the_direction_and_negating_every_value_changes_no_judgement(
    case: tuple[float, float, float, list[float | None]],
) -> None:
    up = tracked(*case, sign=1.0)
    down = tracked(*case, sign=-1.0)

    assert [p.rag for p in up.periods] == [p.rag for p in down.periods]
    assert [p.missing for p in up.periods] == [p.missing for p in down.periods]
    assert up.verdict.verdict is down.verdict.verdict
    assert up.realised_money == pytest.approx(down.realised_money)
    assert up.predicted_money == pytest.approx(down.predicted_money)


@given(cases(), st.floats(min_value=0.0, max_value=1e3))
def test_doing_better_in_every_period_never_worsens_a_rag_nor_loses_money(
    case: tuple[float, float, float, list[float | None]], better_by: float
) -> None:
    baseline, middle, target, realised = case
    improved = [None if v is None else v + better_by for v in realised]

    before = tracked(baseline, middle, target, realised, sign=1.0)
    after = tracked(baseline, middle, target, improved, sign=1.0)

    order = {None: -1, "green": 0, "amber": 1, "red": 2}
    for old, new in zip(before.periods, after.periods, strict=True):
        assert order[new.rag] <= order[old.rag]
    assert after.realised_money >= before.realised_money - 1e-6


@given(cases())
def test_every_expected_period_is_listed_once_and_in_order(
    case: tuple[float, float, float, list[float | None]],
) -> None:
    result = tracked(*case, sign=1.0)

    spans = [(p.period_start, p.period_end) for p in result.periods]
    assert spans == sorted(set(spans))
    assert len(spans) == 12
