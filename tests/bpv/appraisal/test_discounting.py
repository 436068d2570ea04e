"""Discount factors against the Green Book's published table and its declining schedule."""

from decimal import Decimal, localcontext

import pytest

from bpv.appraisal import MAX_HORIZON, DiscountSchedule
from bpv.errors import InvalidInput

# Green Book annex on discounting: 3.5% discount factors, years 0-30, to four decimals.
PUBLISHED_3_5_PERCENT = [
    1.0000, 0.9662, 0.9335, 0.9019, 0.8714, 0.8420, 0.8135, 0.7860, 0.7594, 0.7337,
    0.7089, 0.6849, 0.6618, 0.6394, 0.6178, 0.5969, 0.5767, 0.5572, 0.5384, 0.5202,
    0.5026, 0.4856, 0.4692, 0.4533, 0.4380, 0.4231, 0.4088, 0.3950, 0.3817, 0.3687,
    0.3563,
]  # fmt: skip


@pytest.mark.parametrize("t", range(31))
def test_green_book_factors_match_the_published_table_to_four_decimals(t: int) -> None:
    assert round(DiscountSchedule.green_book().factor(t), 4) == PUBLISHED_3_5_PERCENT[t]


def _exact_factor(t: int, bands: list[tuple[int, str]]) -> Decimal:
    """DF(t) by the Green Book recurrence in 40-digit decimal arithmetic, as a reference."""
    with localcontext() as context:
        context.prec = 40
        factor = Decimal(1)
        for year in range(1, t + 1):
            rate = next(Decimal(r) for last, r in bands if year <= last)
            factor /= 1 + rate
        return factor


GREEN_BOOK = [(30, "0.035"), (75, "0.03"), (125, "0.025"), (200, "0.02"), (300, "0.015"),
              (10**6, "0.01")]  # fmt: skip
HEALTH = [(30, "0.015"), (75, "0.0129"), (125, "0.0107"), (200, "0.0086"), (300, "0.0064"),
          (10**6, "0.0043")]  # fmt: skip


@pytest.mark.parametrize("t", [30, 31, 50, 75, 76, 100, 125, 126, 200, 201, 300, 301, 400, 500])
def test_declining_schedule_follows_the_recurrence_across_bands(t: int) -> None:
    green_book = DiscountSchedule.green_book().factor(t)
    health = DiscountSchedule.health().factor(t)
    assert green_book == pytest.approx(float(_exact_factor(t, GREEN_BOOK)), rel=1e-12)
    assert health == pytest.approx(float(_exact_factor(t, HEALTH)), rel=1e-12)


def test_a_new_band_discounts_only_the_years_inside_it() -> None:
    schedule = DiscountSchedule.green_book()
    assert round(schedule.factor(31), 4) == 0.3459
    assert schedule.factor(31) == pytest.approx(schedule.factor(30) / 1.03, rel=1e-14)
    assert schedule.factor(76) == pytest.approx(schedule.factor(75) / 1.025, rel=1e-14)
    assert schedule.factor(301) == pytest.approx(schedule.factor(300) / 1.01, rel=1e-14)


def test_health_schedule_discounts_qalys_at_one_and_a_half_percent_to_year_30() -> None:
    health = DiscountSchedule.health()
    assert round(health.factor(1), 4) == 0.9852
    assert round(health.factor(30), 4) == 0.6398
    assert health.factor(31) == pytest.approx(health.factor(30) / 1.0129, rel=1e-14)


def test_green_book_schedule_uses_the_health_schedule_for_qalys_and_flat_keeps_its_rate() -> None:
    assert DiscountSchedule.green_book().for_health() == DiscountSchedule.health()
    flat = DiscountSchedule.flat(0.05)
    assert flat.for_health() is flat


def test_flat_rate_is_compound() -> None:
    flat = DiscountSchedule.flat(0.035)
    assert flat.factors(30) == pytest.approx([1.035**-t for t in range(31)], rel=1e-13)
    assert DiscountSchedule.flat(-0.01).factor(10) == pytest.approx(0.99**-10, rel=1e-13)


def test_factors_cover_base_year_to_horizon_inclusive() -> None:
    factors = DiscountSchedule.green_book().factors(20)
    assert len(factors) == 21
    assert factors[0] == 1.0
    assert len(DiscountSchedule.green_book().factors(MAX_HORIZON)) == MAX_HORIZON + 1


@pytest.mark.parametrize("rate", [1.0, -1.0, 1.5, -2.0, float("nan"), float("inf")])
def test_flat_rate_outside_minus_one_to_one_is_rejected(rate: float) -> None:
    with pytest.raises(InvalidInput) as error:
        DiscountSchedule.flat(rate)
    assert error.value.field == "discounting.rate"


def test_horizon_beyond_500_years_is_rejected() -> None:
    with pytest.raises(InvalidInput) as error:
        DiscountSchedule.green_book().factors(MAX_HORIZON + 1)
    assert error.value.field == "horizon"
