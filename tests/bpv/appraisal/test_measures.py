"""PV, NPSV, BCR, ROI, payback and IRR on small proposals whose figures can be checked by hand."""

import pytest

from bpv.appraisal import (
    AppraisalSettings,
    BenefitLine,
    CostKind,
    CostLine,
    DiscountSchedule,
    IrrStatus,
    appraise,
    flows_of,
    internal_rate_of_return,
)
from bpv.hypotheses import BenefitType

SETTINGS = AppraisalSettings(base_year=2017)


def df(t: int) -> float:
    return 1.035**-t


def clinic_costs() -> list[CostLine]:
    return [
        CostLine("clinic build", CostKind.CAPITAL, flows_of({2017: 1000.0})),
        CostLine("staff", CostKind.REVENUE, flows_of({2018: 100.0, 2019: 100.0, 2020: 100.0})),
    ]


def clinic_benefits() -> list[BenefitLine]:
    return [
        BenefitLine(
            "fewer admissions",
            BenefitType.CASH_RELEASING,
            flows_of({year: 300.0 for year in range(2018, 2022)}),
        ),
        BenefitLine(
            "carer time",
            BenefitType.SOCIETAL,
            flows_of({year: 100.0 for year in range(2018, 2022)}),
        ),
    ]


def test_present_values_npsv_bcr_and_roi() -> None:
    appraisal = appraise(clinic_costs(), clinic_benefits(), SETTINGS)

    pv_costs = 1000.0 + 100.0 * (df(1) + df(2) + df(3))
    pv_cash = 300.0 * sum(df(t) for t in range(1, 5))
    pv_benefits = 400.0 * sum(df(t) for t in range(1, 5))
    assert appraisal.pv_costs == pytest.approx(pv_costs, rel=1e-12)
    assert appraisal.pv_benefits == pytest.approx(pv_benefits, rel=1e-12)
    assert appraisal.npsv == pytest.approx(pv_benefits - pv_costs, rel=1e-12)
    assert appraisal.bcr == pytest.approx(pv_benefits / pv_costs, rel=1e-12)
    assert appraisal.roi == pytest.approx((pv_cash - pv_costs) / pv_costs, rel=1e-12)
    assert round(appraisal.pv_costs, 2) == 1280.16
    assert round(appraisal.pv_benefits, 2) == 1469.23
    assert round(appraisal.bcr or 0.0, 4) == 1.1477


def test_discount_factors_are_reported_for_every_year_from_the_base_year() -> None:
    appraisal = appraise(clinic_costs(), clinic_benefits(), SETTINGS)
    assert [f.year for f in appraisal.discount_factors] == [2017, 2018, 2019, 2020, 2021]
    assert [round(f.factor, 4) for f in appraisal.discount_factors] == [
        1.0, 0.9662, 0.9335, 0.9019, 0.8714
    ]  # fmt: skip


def test_payback_year_is_the_first_year_cumulative_net_flow_is_not_negative() -> None:
    appraisal = appraise(clinic_costs(), clinic_benefits(), SETTINGS)
    # Undiscounted: -1000, +300, +300, +300, +400 -> cumulative -1000, -700, -400, -100, +300.
    assert appraisal.measures.payback_year_undiscounted == 2021
    assert appraisal.payback_year == 2021
    assert appraisal.years[-1].cumulative_discounted_net == pytest.approx(appraisal.npsv)


def test_no_payback_when_benefits_never_cover_costs() -> None:
    benefits = [BenefitLine("small", BenefitType.SOCIETAL, flows_of({2018: 10.0}))]
    appraisal = appraise(clinic_costs(), benefits, SETTINGS)
    assert appraisal.payback_year is None
    assert appraisal.irr.status is IrrStatus.NONE


def test_bcr_and_roi_are_undefined_without_costs() -> None:
    appraisal = appraise([], clinic_benefits(), SETTINGS)
    assert appraisal.pv_costs == 0.0
    assert appraisal.bcr is None
    assert appraisal.roi is None


def test_qalys_are_monetised_at_the_rounds_value_and_discounted_on_the_health_schedule() -> None:
    settings = AppraisalSettings(base_year=2017, value_per_qaly=60_000.0)
    benefits = [BenefitLine("years of good health", BenefitType.QALY, flows_of({2018: 2.0}))]
    appraisal = appraise(clinic_costs(), benefits, settings)
    assert appraisal.pv_benefits == pytest.approx(2.0 * 60_000.0 / 1.015, rel=1e-12)
    assert appraisal.qalys == pytest.approx(2.0)
    assert appraisal.discounted_qalys == pytest.approx(2.0 / 1.015, rel=1e-12)


def test_a_flat_schedule_discounts_qalys_at_the_flat_rate_too() -> None:
    settings = AppraisalSettings(base_year=2017, discounting=DiscountSchedule.flat(0.05))
    benefits = [BenefitLine("health", BenefitType.QALY, flows_of({2019: 1.0}))]
    appraisal = appraise([], benefits, settings)
    assert appraisal.pv_benefits == pytest.approx(60_000.0 / 1.05**2, rel=1e-12)


def test_value_per_qaly_switching_value() -> None:
    benefits = [BenefitLine("health", BenefitType.QALY, flows_of({2018: 0.01}))]
    appraisal = appraise(clinic_costs(), benefits, SETTINGS)
    switch = appraisal.value_per_qaly_switching
    assert switch is not None
    assert switch * appraisal.discounted_qalys == pytest.approx(appraisal.pv_costs, rel=1e-12)


def test_irr_of_a_one_year_investment() -> None:
    irr = internal_rate_of_return([-100.0, 110.0])
    assert irr.status is IrrStatus.UNIQUE
    assert irr.value == pytest.approx(0.10, abs=1e-12)


def test_irr_of_an_annuity() -> None:
    irr = internal_rate_of_return([-1000.0, 500.0, 500.0, 500.0])
    assert irr.value is not None
    assert round(irr.value, 4) == 0.2338


def test_irr_reports_every_root_when_flows_change_sign_twice() -> None:
    # -100 + 230/(1+r) - 132/(1+r)^2 = 0 at r = 10% and r = 20%.
    irr = internal_rate_of_return([-100.0, 230.0, -132.0])
    assert irr.status is IrrStatus.MULTIPLE
    assert irr.value is None
    assert irr.roots == pytest.approx([0.10, 0.20], abs=1e-10)
    assert irr.sign_changes == 2


def test_irr_does_not_exist_when_flows_never_change_sign() -> None:
    irr = internal_rate_of_return([100.0, 50.0])
    assert irr.status is IrrStatus.NONE
    assert irr.value is None
    assert "never change sign" in irr.note


def test_irr_when_npv_never_reaches_zero_despite_sign_changes() -> None:
    # -1 + 1/(1+r) ... the quadratic 1 - x + x^2 has no real root.
    irr = internal_rate_of_return([1.0, -1.0, 1.0])
    assert irr.status is IrrStatus.NONE
    assert irr.sign_changes == 2


def test_irr_on_long_horizons_does_not_overflow() -> None:
    flows = [-1000.0] + [40.0] * 500
    irr = internal_rate_of_return(flows)
    assert irr.value is not None
    npv = sum(f / (1 + irr.value) ** t for t, f in enumerate(flows))
    assert npv == pytest.approx(0.0, abs=1e-6)


def test_appraisal_irr_is_the_rate_that_makes_npsv_zero() -> None:
    appraisal = appraise(clinic_costs(), clinic_benefits(), SETTINGS)
    irr = appraisal.irr.value
    assert irr is not None
    at_irr = appraise(
        clinic_costs(),
        clinic_benefits(),
        AppraisalSettings(base_year=2017, discounting=DiscountSchedule.flat(irr)),
    )
    assert at_irr.npsv == pytest.approx(0.0, abs=1e-8)
