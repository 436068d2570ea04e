"""Realised and predicted pounds, through the appraisal's monetisation and additionality."""

from dataclasses import replace

import pytest

from bpv.benefits import Cadence, TrackingSettings, track
from bpv.hypotheses import BenefitType, Monetisation
from tests.bpv.benefits.series import (
    AFTER_ALL,
    FEWER_ADMISSIONS,
    MORE_AT_HOME,
    D,
    observations,
    with_additionality,
    with_trajectory,
)

QUARTERLY = TrackingSettings(cadence=Cadence.QUARTER)
# 1000 admissions a year falling to 900 by 30 September 2017, then to 800 by 31 March 2018;
# each admission avoided is worth £2,000; net share (1-0.2)(1-0.1)(1-0.5) = 0.36.
HALVING = with_additionality(
    with_trajectory(FEWER_ADMISSIONS, (D(2017, 9, 30), 900.0), (D(2018, 3, 31), 800.0)),
    deadweight=0.2,
    displacement=0.1,
    attribution=0.5,
)
JULY_TO_SEPTEMBER = (D(2017, 7, 1), D(2017, 9, 30))  # 92 days


def test_a_quarter_s_money_is_its_improvement_x_value_x_net_share_x_its_share_of_a_year() -> None:
    realised = observations((*JULY_TO_SEPTEMBER, 920.0))

    tracked = track("h", HALVING, realised, QUARTERLY, today=D(2017, 10, 15))

    quarter = next(p for p in tracked.periods if p.period_start == D(2017, 7, 1))
    # Predicted: 100 fewer x £2,000 x 0.36 x 92/365.25 = £18,135.52.
    assert quarter.predicted_money == pytest.approx(18_135.52, abs=0.01)
    # Realised: 80 fewer x £2,000 x 0.36 x 92/365.25 = £14,508.42.
    assert quarter.realised_money == pytest.approx(14_508.42, abs=0.01)
    assert tracked.realised_money == pytest.approx(14_508.42, abs=0.01)
    assert tracked.predicted_money_measured == pytest.approx(18_135.52, abs=0.01)


def test_predicted_money_to_date_counts_the_periods_that_have_ended() -> None:
    tracked = track("h", HALVING, [], QUARTERLY, today=D(2017, 10, 15))

    first, second, *_ = tracked.periods
    assert first.due and second.due and not tracked.periods[2].due
    assert tracked.predicted_money == pytest.approx(first.predicted_money + second.predicted_money)
    assert tracked.realised_money == 0.0


def test_a_qaly_hypothesis_is_valued_at_the_round_s_value_per_qaly() -> None:
    # 0.01 QALYs per person at home a year, at £70,000 a QALY: £700 a unit a year.
    hypothesis = with_trajectory(MORE_AT_HOME, (D(2017, 6, 30), 110.0))
    qalys = Monetisation(0.01, BenefitType.QALY)
    settings = TrackingSettings(cadence=Cadence.QUARTER, value_per_qaly=70_000.0)
    realised = observations((D(2017, 4, 1), D(2017, 6, 30), 105.0))

    quarter = track(
        "h", replace(hypothesis, monetisation=qalys), realised, settings, AFTER_ALL
    ).periods[0]

    assert quarter.predicted_money == pytest.approx(10 * 700 * 91 / 365.25)
    assert quarter.realised_money == pytest.approx(5 * 700 * 91 / 365.25)


def test_moving_the_wrong_way_loses_money() -> None:
    realised = observations((*JULY_TO_SEPTEMBER, 1010.0))

    tracked = track("h", HALVING, realised, QUARTERLY, AFTER_ALL)

    assert tracked.realised_money == pytest.approx(-10 * 2000 * 0.36 * 92 / 365.25)


def test_a_hypothesis_without_monetisation_has_no_money() -> None:
    realised = observations((D(2017, 4, 1), D(2017, 4, 30), 120.0))

    tracked = track("h", MORE_AT_HOME, realised, TrackingSettings(), AFTER_ALL)

    assert tracked.predicted_money == 0.0 and tracked.realised_money == 0.0
    assert tracked.periods[0].realised_money == 0.0


def test_predicted_money_is_not_confidence_weighted() -> None:
    sure = track("h", HALVING, [], QUARTERLY, AFTER_ALL)
    unsure = track("h", replace(HALVING, confidence=0.1), [], QUARTERLY, AFTER_ALL)

    assert unsure.predicted_money == sure.predicted_money


def test_the_whole_trajectory_s_money_matches_the_appraisal_s_year_for_a_straight_line() -> None:
    # A straight fall over 2017/18, monthly: money adds up month by month, so the year's
    # predicted money is the mean improvement (about half of 120) x £2,000 over the year.
    tracked = track("h", FEWER_ADMISSIONS, [], TrackingSettings(), AFTER_ALL)

    months = tracked.periods
    assert len(months) == 12
    assert tracked.predicted_money == pytest.approx(
        sum(
            (1000 - p.predicted) * 2000 * ((p.period_end - p.period_start).days + 1) / 365.25
            for p in months
        )
    )
    assert tracked.predicted_money == pytest.approx(65 * 2000 * 365 / 365.25, rel=0.01)
