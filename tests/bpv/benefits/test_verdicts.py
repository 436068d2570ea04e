"""Each verdict on a hand-made series (the rules are in `bpv.benefits.verdicts`).

MORE_AT_HOME rises from 100 (31 March 2017) to 160 (31 March 2018), monthly; tolerances 10% and
25% of the predicted improvement, 30 days' grace.
"""

import datetime as dt

import pytest

from bpv.benefits import Observation, Rag, Verdict, track
from tests.bpv.benefits.series import (
    FEWER_ADMISSIONS,
    MORE_AT_HOME,
    SETTINGS,
    D,
    monthly,
    observations,
    share_of_improvement,
    with_trajectory,
)

MID_OCTOBER = D(2017, 10, 15)
AFTER_COMPLETION = D(2018, 5, 15)


def on_share(share: float, until: dt.date | None = None) -> list[Observation]:
    return monthly(MORE_AT_HOME, share_of_improvement(MORE_AT_HOME, share), until=until)


def test_no_observations_give_no_data() -> None:
    verdict = track("h", MORE_AT_HOME, [], SETTINGS, AFTER_COMPLETION).verdict

    assert verdict.verdict is Verdict.NO_DATA
    assert verdict.rule == "no_data: no observations yet."


def test_following_the_trajectory_is_on_track() -> None:
    realised = on_share(1.0, until=D(2017, 9, 30))

    verdict = track("h", MORE_AT_HOME, realised, SETTINGS, MID_OCTOBER).verdict

    assert verdict.verdict is Verdict.ON_TRACK
    assert verdict.figures["latest_rag"] == "green"
    assert verdict.figures["forecast"] == pytest.approx(160.0)
    assert verdict.figures["forecast_achieved_share"] == pytest.approx(1.0)
    assert "latest due period with data (ending 2017-09-30) is green" in verdict.rule
    assert "achieves 1 (at least 1 - amber = 0.9) of the target improvement" in verdict.rule


def test_a_latest_amber_period_is_at_risk() -> None:
    realised = on_share(1.0, until=D(2017, 8, 31)) + on_share(0.85)[5:6]

    tracked = track("h", MORE_AT_HOME, realised, SETTINGS, MID_OCTOBER)

    assert tracked.periods[5].rag is Rag.AMBER
    assert tracked.verdict.verdict is Verdict.AT_RISK
    assert tracked.verdict.rule == (
        "at_risk: the latest due period with data (ending 2017-09-30) is amber."
    )


def test_a_single_red_period_after_a_green_one_is_at_risk() -> None:
    realised = on_share(1.0)[:1] + on_share(0.5)[1:2]

    verdict = track("h", MORE_AT_HOME, realised, SETTINGS, D(2017, 6, 10)).verdict

    assert verdict.verdict is Verdict.AT_RISK
    assert (verdict.figures["previous_rag"], verdict.figures["latest_rag"]) == ("green", "red")


def test_two_red_periods_in_a_row_are_off_track() -> None:
    realised = on_share(1.0, until=D(2017, 7, 31)) + on_share(0.5)[4:6]

    verdict = track("h", MORE_AT_HOME, realised, SETTINGS, MID_OCTOBER).verdict

    assert verdict.verdict is Verdict.OFF_TRACK
    assert verdict.rule == (
        "off_track: the last two due periods with data (ending 2017-08-31 and 2017-09-30) are red."
    )


def test_missing_periods_are_skipped_when_looking_for_the_last_two() -> None:
    # August is missing; July and September are red.
    realised = on_share(1.0, until=D(2017, 6, 30)) + [on_share(0.5)[i] for i in (3, 5)]

    verdict = track("h", MORE_AT_HOME, realised, SETTINGS, MID_OCTOBER).verdict

    assert verdict.verdict is Verdict.OFF_TRACK
    assert verdict.figures["missing_periods"] == 1.0


def test_a_trend_that_will_miss_the_target_by_more_than_red_is_off_track() -> None:
    # A slow start predicted (105 by September), then a steep rise to 160: the realised levels
    # follow the prediction so far (every period green), but their trend reaches only ~110.
    slow_start = with_trajectory(MORE_AT_HOME, (D(2017, 9, 30), 105.0), (D(2018, 3, 31), 160.0))
    realised = monthly(slow_start, share_of_improvement(slow_start, 1.0), until=D(2017, 9, 30))

    verdict = track("h", slow_start, realised, SETTINGS, MID_OCTOBER).verdict

    assert verdict.verdict is Verdict.OFF_TRACK
    assert verdict.figures["latest_rag"] == "green"
    assert verdict.figures["forecast_rag"] == "red"
    assert verdict.figures["forecast"] == pytest.approx(100 + 5 * 365 / 183)
    assert verdict.rule.startswith("off_track: the forecast at completion (110 on 2018-03-31")
    assert "achieves 0.1662 (below 1 - red = 0.75) of the target improvement" in verdict.rule


def test_a_trend_that_will_miss_the_target_by_more_than_amber_is_at_risk() -> None:
    # 130 by September then 170: the trend of the first half reaches ~159.8, 0.855 of the way.
    steep_end = with_trajectory(MORE_AT_HOME, (D(2017, 9, 30), 130.0), (D(2018, 3, 31), 170.0))
    realised = monthly(steep_end, share_of_improvement(steep_end, 1.0), until=D(2017, 9, 30))

    verdict = track("h", steep_end, realised, SETTINGS, MID_OCTOBER).verdict

    assert verdict.verdict is Verdict.AT_RISK
    assert verdict.figures["forecast_rag"] == "amber"
    assert verdict.figures["forecast_achieved_share"] == pytest.approx(30 * 365 / 183 / 70)


def test_a_forecast_from_two_periods_does_not_count() -> None:
    slow_start = with_trajectory(MORE_AT_HOME, (D(2017, 9, 30), 105.0), (D(2018, 3, 31), 160.0))
    realised = monthly(slow_start, share_of_improvement(slow_start, 1.0), until=D(2017, 5, 31))

    tracked = track("h", slow_start, realised, SETTINGS, D(2017, 6, 10))

    assert tracked.forecast is not None and tracked.forecast.points == 2
    assert tracked.verdict.verdict is Verdict.ON_TRACK
    assert "no forecast yet (it needs 3 periods with data)" in tracked.verdict.rule


def test_a_final_reading_near_the_target_confirms() -> None:
    verdict = track("h", MORE_AT_HOME, on_share(0.95), SETTINGS, AFTER_COMPLETION).verdict

    assert verdict.verdict is Verdict.CONFIRMED
    assert verdict.figures["final_level"] == pytest.approx(157.0)
    assert verdict.figures["achieved_share"] == pytest.approx(0.95)
    assert verdict.rule == (
        "confirmed: the final reading (157, period ending 2018-03-31) achieves 0.95 (at least "
        "1 - amber = 0.9) of the target improvement (100 to 160 by 2018-03-31)."
    )


def test_a_final_reading_confirms_without_waiting_for_the_grace() -> None:
    verdict = track("h", MORE_AT_HOME, on_share(1.0), SETTINGS, D(2018, 4, 2)).verdict

    assert verdict.verdict is Verdict.CONFIRMED


def test_a_final_reading_far_short_of_the_target_refutes() -> None:
    verdict = track("h", MORE_AT_HOME, on_share(0.6), SETTINGS, AFTER_COMPLETION).verdict

    assert verdict.verdict is Verdict.REFUTED
    assert verdict.figures["achieved_share"] == pytest.approx(0.6)
    assert "achieves 0.6 (below 1 - red = 0.75)" in verdict.rule


def test_a_final_reading_short_by_between_the_tolerances_is_at_risk() -> None:
    verdict = track("h", MORE_AT_HOME, on_share(0.8), SETTINGS, AFTER_COMPLETION).verdict

    assert verdict.verdict is Verdict.AT_RISK
    assert verdict.figures["final_rag"] == "amber"
    assert "achieves 0.8 (below 1 - amber = 0.9, not below 1 - red = 0.75)" in verdict.rule


def test_a_final_reading_that_moved_the_wrong_way_refutes() -> None:
    verdict = track("h", MORE_AT_HOME, on_share(-0.1), SETTINGS, AFTER_COMPLETION).verdict

    assert verdict.verdict is Verdict.REFUTED
    assert verdict.rule == (
        "refuted: the final reading (94, period ending 2018-03-31) moved the wrong way from "
        "the baseline 100."
    )


def test_with_the_final_period_missing_a_later_reading_is_the_final_one() -> None:
    realised = [*on_share(1.0)[:-1], *observations((D(2018, 4, 1), D(2018, 4, 30), 158.0))]

    verdict = track("h", MORE_AT_HOME, realised, SETTINGS, AFTER_COMPLETION).verdict

    assert verdict.verdict is Verdict.CONFIRMED
    assert verdict.figures["final_period_end"] == "2018-04-30"


def test_no_final_reading_after_completion_and_its_grace_is_at_risk() -> None:
    realised = on_share(1.0, until=D(2018, 1, 31))

    verdict = track("h", MORE_AT_HOME, realised, SETTINGS, D(2018, 5, 1)).verdict

    assert verdict.verdict is Verdict.AT_RISK
    assert verdict.rule == (
        "at_risk: the period containing the target date ended on 2018-03-31, more than 30 days "
        "ago, and has no reading (nor does any later period)."
    )


def test_still_within_the_final_period_s_grace_is_judged_on_the_way() -> None:
    realised = on_share(1.0, until=D(2018, 2, 28))

    verdict = track("h", MORE_AT_HOME, realised, SETTINGS, D(2018, 4, 30)).verdict

    assert verdict.verdict is Verdict.ON_TRACK


def test_a_falling_indicator_is_confirmed_and_refuted_downwards() -> None:
    # 1000 to 880 admissions: 890 achieves 110/120 = 0.917; 960 achieves 40/120 = 0.333.
    def final(level: float) -> Verdict:
        realised = observations((D(2018, 3, 1), D(2018, 3, 31), level))
        return track("h", FEWER_ADMISSIONS, realised, SETTINGS, AFTER_COMPLETION).verdict.verdict

    assert final(890.0) is Verdict.CONFIRMED
    assert final(870.0) is Verdict.CONFIRMED
    assert final(900.0) is Verdict.AT_RISK
    assert final(960.0) is Verdict.REFUTED
    assert final(1010.0) is Verdict.REFUTED
