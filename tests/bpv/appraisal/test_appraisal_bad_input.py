"""Every bad input named in issue 3 raises InvalidInput naming the field as a client sent it."""

from dataclasses import replace

import pytest

from bpv.appraisal import (
    AppraisalSettings,
    BenefitLine,
    CostKind,
    CostLine,
    DiscountSchedule,
    Flow,
    MonteCarloSettings,
    Normal,
    Pert,
    Triangular,
    Uniform,
    appraise,
    flows_of,
)
from bpv.appraisal.discounting import ScheduleKind
from bpv.errors import InvalidInput
from bpv.hypotheses import BenefitType

SETTINGS = AppraisalSettings(base_year=2017)
BUILD = CostLine("build", CostKind.CAPITAL, flows_of({2017: 1000.0, 2018: 200.0}))
SAVINGS = BenefitLine("savings", BenefitType.CASH_RELEASING, flows_of({2018: 800.0, 2019: 800.0}))


def field_of_error(
    costs: list[CostLine],
    benefits: list[BenefitLine],
    settings: AppraisalSettings = SETTINGS,
    monte_carlo: MonteCarloSettings | None = None,
) -> str | None:
    with pytest.raises(InvalidInput) as error:
        appraise(costs, benefits, settings, monte_carlo)
    return error.value.field


def test_empty_flows() -> None:
    assert field_of_error([replace(BUILD, flows=())], [SAVINGS]) == "costs[0].flows"
    assert field_of_error([BUILD], [replace(SAVINGS, flows=())]) == "benefits[0].flows"


def test_a_year_before_the_base_year() -> None:
    early = replace(BUILD, flows=(Flow(2017, 1.0), Flow(2016, 1.0)))
    assert field_of_error([early], [SAVINGS]) == "costs[0].flows[1].year"


def test_a_year_beyond_the_500_year_horizon() -> None:
    late = replace(SAVINGS, flows=(Flow(2017 + 501, 1.0),))
    assert field_of_error([BUILD], [late]) == "benefits[0].flows[0].year"


def test_a_year_twice_in_one_line() -> None:
    repeated = replace(BUILD, flows=(Flow(2017, 1.0), Flow(2018, 1.0), Flow(2017, 2.0)))
    assert field_of_error([repeated], [SAVINGS]) == "costs[0].flows[2].year"


def test_negative_costs() -> None:
    refund = replace(BUILD, flows=(Flow(2017, 10.0), Flow(2018, -5.0)))
    assert field_of_error([BUILD, refund], [SAVINGS]) == "costs[1].flows[1].amount"


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), float("-inf")])
def test_amounts_that_are_not_finite(amount: float) -> None:
    bad = replace(SAVINGS, flows=(Flow(2018, amount),))
    assert field_of_error([BUILD], [bad]) == "benefits[0].flows[0].amount"


@pytest.mark.parametrize("rate", [-1.0, 1.0, 2.5])
def test_a_discount_rate_outside_minus_one_to_one(rate: float) -> None:
    # A schedule built directly, as a deserialiser might, is checked by appraise too.
    settings = replace(SETTINGS, discounting=DiscountSchedule(ScheduleKind.FLAT, rate))
    assert field_of_error([BUILD], [SAVINGS], settings) == "discounting.rate"


@pytest.mark.parametrize("name", ["deadweight", "displacement", "attribution", "drop_off"])
@pytest.mark.parametrize("value", [-0.01, 1.01])
def test_additionality_outside_zero_to_one(name: str, value: float) -> None:
    bad = replace(SAVINGS, **{name: value})
    assert field_of_error([BUILD], [SAVINGS, bad]) == f"benefits[1].{name}"


@pytest.mark.parametrize(
    ("distribution", "field"),
    [
        (Triangular(1.2, 1.0, 0.8), "low"),
        (Pert(1.2, 1.0, 0.8), "low"),
        (Uniform(1.2, 0.8), "low"),
        (Triangular(0.8, 1.5, 1.2), "mode"),
        (Normal(1.0, -0.1), "sd"),
    ],
)
def test_a_distribution_whose_low_exceeds_its_high(
    distribution: Triangular | Pert | Uniform | Normal, field: str
) -> None:
    assert field_of_error([replace(BUILD, uncertainty=distribution)], [SAVINGS]) == (
        f"costs[0].uncertainty.{field}"
    )
    assert field_of_error([BUILD], [replace(SAVINGS, uncertainty=distribution)]) == (
        f"benefits[0].uncertainty.{field}"
    )


def test_more_than_a_million_samples() -> None:
    too_many = MonteCarloSettings(samples=1_000_001)
    assert field_of_error([BUILD], [SAVINGS], monte_carlo=too_many) == "monte_carlo.samples"
    assert field_of_error([BUILD], [SAVINGS], monte_carlo=MonteCarloSettings(samples=0)) == (
        "monte_carlo.samples"
    )
    negative_seed = MonteCarloSettings(seed=-1)
    assert field_of_error([BUILD], [SAVINGS], monte_carlo=negative_seed) == "monte_carlo.seed"


def test_settings() -> None:
    assert field_of_error([BUILD], [SAVINGS], replace(SETTINGS, value_per_qaly=-1.0)) == (
        "value_per_qaly"
    )
    table = replace(SETTINGS, optimism_bias_table={"A": float("nan")})
    assert field_of_error([BUILD], [SAVINGS], table) == "optimism_bias_table.A"
    reduction = replace(SETTINGS, benefit_optimism_bias=1.5)
    assert field_of_error([BUILD], [SAVINGS], reduction) == "benefit_optimism_bias"


def test_nothing_to_appraise() -> None:
    assert field_of_error([], []) == "costs"


@pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")
def test_figures_that_overflow_name_the_negative_rate_that_caused_them() -> None:
    settings = AppraisalSettings(base_year=2017, discounting=DiscountSchedule.flat(-0.95))
    distant = CostLine("far off", CostKind.REVENUE, flows_of({2017: 1.0, 2497: 1.0}))

    assert field_of_error([distant], [], settings) == "discounting.rate"
