"""The forecast at completion: the realised trend read at the last target date."""

import datetime as dt

import numpy as np
import pytest

from bpv.benefits import track
from bpv.benefits.forecast import linear_forecast
from tests.bpv.benefits.series import AFTER_ALL, MORE_AT_HOME, SETTINGS, D, monthly

TARGET_DATE = D(2018, 3, 31)


def line(day: dt.date) -> float:
    """100 on 31 March 2017, rising by 0.1 a day."""
    return 100.0 + 0.1 * (day - D(2017, 3, 31)).days


def test_on_an_exact_line_the_forecast_is_the_line_and_its_interval_collapses() -> None:
    realised = monthly(MORE_AT_HOME, lambda end, _: line(end), until=D(2017, 9, 30))

    forecast = track("h", MORE_AT_HOME, realised, SETTINGS, AFTER_ALL).forecast

    assert forecast is not None
    assert forecast.date == TARGET_DATE and forecast.points == 6
    assert forecast.value == pytest.approx(line(TARGET_DATE))  # 136.5
    assert forecast.low == pytest.approx(136.5) and forecast.high == pytest.approx(136.5)
    assert forecast.confidence == 0.8
    assert "least-squares" in forecast.method and "80% prediction interval" in forecast.method


def test_on_noisy_data_the_interval_contains_the_truth() -> None:
    rng = np.random.default_rng(9)
    realised = monthly(
        MORE_AT_HOME, lambda end, _: line(end) + rng.normal(0.0, 3.0), until=D(2017, 12, 31)
    )

    forecast = track("h", MORE_AT_HOME, realised, SETTINGS, AFTER_ALL).forecast

    assert forecast is not None and forecast.low is not None and forecast.high is not None
    assert forecast.low < line(TARGET_DATE) < forecast.high
    assert forecast.high - forecast.low > 1.0


def test_the_interval_covers_a_new_reading_about_80_percent_of_the_time() -> None:
    days = [D(2017, 3, 31) + dt.timedelta(days=30 * k) for k in range(1, 10)]
    rng = np.random.default_rng(2017)
    covered = 0
    trials = 400
    for _ in range(trials):
        points = [(day, line(day) + rng.normal(0.0, 2.0)) for day in days]
        forecast = linear_forecast(points, TARGET_DATE)
        assert forecast is not None and forecast.low is not None and forecast.high is not None
        truth = line(TARGET_DATE) + rng.normal(0.0, 2.0)
        covered += forecast.low <= truth <= forecast.high

    assert 0.74 <= covered / trials <= 0.86


def test_two_points_give_a_line_without_an_interval_and_one_gives_none() -> None:
    two = [(D(2017, 4, 30), 103.0), (D(2017, 5, 31), 106.1)]

    forecast = linear_forecast(two, D(2017, 6, 30))

    assert forecast is not None
    assert forecast.value == pytest.approx(106.1 + 0.1 * 30)  # 0.1 a day
    assert (forecast.low, forecast.high) == (None, None)
    assert "no interval" in forecast.method
    assert linear_forecast(two[:1], D(2017, 6, 30)) is None
    assert linear_forecast([two[0], two[0]], D(2017, 6, 30)) is None
