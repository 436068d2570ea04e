"""A bid's benefits to date: its indicators' money, its spend and its realised ROI."""

import pytest

from bpv.benefits import IndicatorTrack, SpendLine, TrackingSettings, bid_benefits, track
from bpv.errors import InvalidInput
from tests.bpv.benefits.series import AFTER_ALL, FEWER_ADMISSIONS, MORE_AT_HOME, D, observations

APRIL = (D(2017, 4, 1), D(2017, 4, 30))


def tracks() -> list[IndicatorTrack]:
    admissions = track(
        "h1", FEWER_ADMISSIONS, observations((*APRIL, 980.0)), TrackingSettings(), AFTER_ALL
    )
    at_home = track(
        "h2", MORE_AT_HOME, observations((*APRIL, 104.0)), TrackingSettings(), AFTER_ALL
    )
    return [admissions, at_home]


def test_money_is_summed_over_the_bid_s_indicators() -> None:
    admissions, at_home = tracks()

    result = bid_benefits([admissions, at_home], [])

    # April: 20 fewer admissions x £2,000 x 30/365.25; the other indicator has no money.
    assert result.realised_money == pytest.approx(20 * 2000 * 30 / 365.25)
    assert result.predicted_money == pytest.approx(admissions.predicted_money)
    assert result.predicted_money_measured == pytest.approx(admissions.periods[0].predicted_money)
    assert result.periods_measured == 1
    assert result.tracks == (admissions, at_home)


def test_planned_spend_is_taken_over_the_years_with_actual_spend() -> None:
    spend = [
        SpendLine("staff", 2017, planned=60_000.0, actual=70_000.0),
        SpendLine("equipment", 2017, planned=20_000.0, actual=None),
        SpendLine("staff", 2018, planned=60_000.0, actual=None),
    ]

    result = bid_benefits(tracks(), spend)

    assert result.actual_spend == 70_000.0
    assert result.planned_spend == 80_000.0  # both lines' plans for 2017; nothing for 2018
    assert result.spend_years == (2017,)
    realised = 20 * 2000 * 30 / 365.25
    assert result.realised_roi == pytest.approx((realised - 70_000.0) / 70_000.0)


def test_without_actual_spend_there_is_no_roi() -> None:
    result = bid_benefits(tracks(), [SpendLine("staff", 2017, planned=60_000.0, actual=None)])

    assert (result.realised_roi, result.actual_spend, result.planned_spend) == (None, 0.0, 0.0)


def test_a_bid_with_nothing_tracked_has_nothing_to_date() -> None:
    result = bid_benefits([], [])

    assert (result.predicted_money, result.realised_money, result.realised_roi) == (0.0, 0.0, None)


def test_spend_that_is_not_a_finite_number_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        bid_benefits([], [SpendLine("staff", 2017, planned=1.0, actual=float("inf"))])

    assert error.value.field == "spend[0].actual"
