"""Additionality (deadweight, displacement, attribution) and drop-off on benefit lines."""

import pytest

from bpv.appraisal import (
    AppraisalSettings,
    BenefitLine,
    additionality_factor,
    appraise,
    flows_of,
    persistence_factors,
)
from bpv.hypotheses import BenefitType


def test_net_is_gross_times_each_complement() -> None:
    assert additionality_factor(0.2, 0.1, 0.25) == pytest.approx(0.8 * 0.9 * 0.75)


def test_drop_off_leaves_first_year_value_times_one_minus_d_to_the_n_minus_one() -> None:
    assert persistence_factors(0.2, 4) == pytest.approx([1.0, 0.8, 0.64, 0.512])


def test_benefit_line_is_made_net_and_decays_from_its_first_year() -> None:
    line = BenefitLine(
        "reablement",
        BenefitType.SOCIETAL,
        flows_of({2019: 100.0, 2020: 100.0, 2021: 100.0}),
        deadweight=0.2,
        displacement=0.1,
        attribution=0.25,
        drop_off=0.1,
    )
    appraisal = appraise([], [line], AppraisalSettings(base_year=2017))
    share = 0.8 * 0.9 * 0.75
    by_year = {row.year: row.benefits for row in appraisal.years}
    assert by_year[2019] == pytest.approx(100.0 * share)
    assert by_year[2020] == pytest.approx(100.0 * share * 0.9)
    assert by_year[2021] == pytest.approx(100.0 * share * 0.81)
    reported = appraisal.lines[0]
    assert reported.additionality_factor == pytest.approx(share)
    assert reported.pv_gross == pytest.approx(100.0 * sum(1.035**-t for t in (2, 3, 4)))
    assert reported.pv == pytest.approx(appraisal.pv_benefits)
    assert appraisal.pv_benefits_gross == pytest.approx(reported.pv_gross)
