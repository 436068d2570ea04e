"""Success hypotheses: what check_hypothesis accepts and rejects; findings on a changed model."""

from __future__ import annotations

import dataclasses
import datetime as dt
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpv.errors import InvalidInput, InvalidLogicModel
from bpv.hypotheses import (
    Additionality,
    Baseline,
    BenefitType,
    Monetisation,
    SuccessHypothesis,
    TrajectoryPoint,
)
from bpv.hypothesis_checks import bid_findings, check_hypothesis, hypothesis_findings
from bpv.logic_model import (
    Direction,
    Edge,
    Evidence,
    EvidenceGrade,
    Indicator,
    LogicModel,
    Node,
    NodeKind,
    Severity,
    Term,
)

ADMISSIONS = Indicator("Emergency admissions", "admissions per 1,000 people", Direction.DECREASE)
REVIEW = Evidence("Cochrane review of nurse-led clinics, 2019", EvidenceGrade.MODERATE)

# funding → nurses → clinics → fewer_admissions → healthy_years
MODEL = LogicModel.of(
    [
        Node("funding", NodeKind.INPUT, "Transformation funding"),
        Node("nurses", NodeKind.ACTIVITY, "Recruit community nurses"),
        Node("clinics", NodeKind.OUTPUT, "Nurse-led clinics held"),
        Node(
            "fewer_admissions",
            NodeKind.OUTCOME,
            "Fewer admissions",
            Term.SHORT,
            indicators=(ADMISSIONS,),
        ),
        Node("healthy_years", NodeKind.IMPACT, "Healthy life years", indicators=(ADMISSIONS,)),
    ],
    [
        Edge(s, t, rationale="Earlier care prevents crises", evidence=REVIEW)
        for s, t in [
            ("funding", "nurses"),
            ("nurses", "clinics"),
            ("clinics", "fewer_admissions"),
            ("fewer_admissions", "healthy_years"),
        ]
    ],
)

BASELINE = Baseline(12.0, dt.date(2017, 3, 31))
# Admissions fall from 12 to 10 per 1,000 over two years, because clinics reach frail patients.
ON_EDGE = SuccessHypothesis(
    indicator=ADMISSIONS,
    baseline=BASELINE,
    trajectory=(
        TrajectoryPoint(dt.date(2018, 3, 31), 11.0),
        TrajectoryPoint(dt.date(2019, 3, 31), 10.0),
    ),
    rationale="Clinics reach frail patients before a crisis",
    evidence=REVIEW,
    confidence=0.6,
    edge=("clinics", "fewer_admissions"),
    monetisation=Monetisation(1_500.0, BenefitType.CASH_RELEASING),
    additionality=Additionality(deadweight=0.1, displacement=0.05, attribution=0.2, drop_off=0.3),
)
ON_PATH = dataclasses.replace(ON_EDGE, edge=None, path=("nurses", "clinics", "fewer_admissions"))


def changed(**changes: Any) -> SuccessHypothesis:
    return dataclasses.replace(ON_EDGE, **changes)


def dated(*days: tuple[int, int, int]) -> tuple[TrajectoryPoint, ...]:
    return tuple(TrajectoryPoint(dt.date(*day), 10.0) for day in days)


def test_a_hypothesis_on_an_edge_or_a_path_of_the_model_is_accepted() -> None:
    check_hypothesis(MODEL, ON_EDGE)
    check_hypothesis(MODEL, ON_PATH)
    check_hypothesis(MODEL, changed(monetisation=None, additionality=None))


@pytest.mark.parametrize(
    ("hypothesis", "field"),
    [
        pytest.param(changed(edge=("funding", "clinics")), "edge", id="edge not in model"),
        pytest.param(changed(edge=("clinics", "ghost")), "edge", id="edge to unknown key"),
        pytest.param(changed(edge=None), "edge", id="neither edge nor path"),
        pytest.param(changed(path=("nurses", "clinics")), "edge", id="both edge and path"),
        pytest.param(changed(edge=None, path=("nurses",)), "path", id="path of one key"),
        pytest.param(changed(edge=None, path=()), "path", id="empty path"),
        pytest.param(
            changed(edge=None, path=("nurses", "ghost")), "path", id="path with unknown key"
        ),
        pytest.param(
            changed(edge=None, path=("funding", "nurses", "fewer_admissions")),
            "path",
            id="path with a gap",
        ),
    ],
)
def test_a_hypothesis_must_be_attached_to_the_model(
    hypothesis: SuccessHypothesis, field: str
) -> None:
    with pytest.raises(InvalidLogicModel) as raised:
        check_hypothesis(MODEL, hypothesis)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("hypothesis", "field"),
    [
        pytest.param(changed(trajectory=()), "trajectory", id="no trajectory"),
        pytest.param(
            changed(trajectory=dated((2019, 3, 31), (2018, 3, 31))),
            "trajectory",
            id="dates out of order",
        ),
        pytest.param(
            changed(trajectory=dated((2018, 3, 31), (2018, 3, 31))),
            "trajectory",
            id="repeated date",
        ),
        pytest.param(
            changed(trajectory=dated((2017, 3, 31))), "trajectory", id="on the baseline date"
        ),
        pytest.param(
            changed(trajectory=dated((2016, 3, 31))), "trajectory", id="before the baseline"
        ),
        pytest.param(
            changed(trajectory=(TrajectoryPoint(dt.date(2018, 3, 31), float("inf")),)),
            "trajectory",
            id="infinite target",
        ),
        pytest.param(
            changed(baseline=Baseline(float("nan"), BASELINE.date)),
            "baseline.value",
            id="NaN baseline",
        ),
        pytest.param(changed(confidence=1.2), "confidence", id="confidence above 1"),
        pytest.param(changed(confidence=-0.1), "confidence", id="negative confidence"),
        pytest.param(changed(confidence=float("nan")), "confidence", id="NaN confidence"),
        pytest.param(
            changed(monetisation=Monetisation(float("inf"), BenefitType.QALY)),
            "monetisation.value_per_unit",
            id="infinite value per unit",
        ),
        pytest.param(
            changed(additionality=Additionality(deadweight=1.5)),
            "additionality.deadweight",
            id="deadweight",
        ),
        pytest.param(
            changed(additionality=Additionality(displacement=-0.2)),
            "additionality.displacement",
            id="displacement",
        ),
        pytest.param(
            changed(additionality=Additionality(attribution=float("nan"))),
            "additionality.attribution",
            id="attribution",
        ),
        pytest.param(
            changed(additionality=Additionality(drop_off=2.0)),
            "additionality.drop_off",
            id="drop-off",
        ),
    ],
)
def test_a_hypothesis_must_be_testable(hypothesis: SuccessHypothesis, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_hypothesis(MODEL, hypothesis)
    assert raised.value.field == field


def test_the_rejection_says_what_is_wrong_in_plain_words() -> None:
    with pytest.raises(InvalidLogicModel) as raised:
        check_hypothesis(MODEL, changed(edge=("funding", "clinics")))
    assert raised.value.message == (
        "The success hypothesis on 'Emergency admissions' is attached to edge "
        "'funding' → 'clinics', which is not an edge of the logic model"
    )


def test_a_hypothesis_loses_its_edge_when_the_model_is_replaced() -> None:
    revised = LogicModel.of(MODEL.nodes, [e for e in MODEL.edges if e.source != "clinics"])
    assert hypothesis_findings(MODEL, [ON_EDGE, ON_PATH]) == ()

    found = [
        f
        for f in bid_findings(revised, [ON_EDGE, ON_PATH])
        if f.code == "hypothesis_on_missing_edge"
    ]

    assert [(f.severity, f.nodes, f.edges) for f in found] == [
        (Severity.ERROR, (), (("clinics", "fewer_admissions"),)),
        (
            Severity.ERROR,
            ("nurses", "clinics", "fewer_admissions"),
            (("clinics", "fewer_admissions"),),
        ),
    ]
    assert revised.quality(bid_findings(revised, [ON_EDGE])).score == 0.0


def test_findings_without_hypotheses_do_not_check_any() -> None:
    assert "hypothesis_on_missing_edge" not in {f.code for f in MODEL.findings()}


days_after_baseline = st.integers(min_value=1, max_value=3_650).map(
    lambda n: BASELINE.date + dt.timedelta(days=n)
)


@given(st.lists(days_after_baseline, min_size=1, max_size=8, unique=True))
def test_any_strictly_increasing_trajectory_after_the_baseline_is_accepted(
    days: list[dt.date],
) -> None:
    trajectory = tuple(TrajectoryPoint(day, 10.0) for day in sorted(days))
    check_hypothesis(MODEL, changed(trajectory=trajectory))


@given(st.lists(days_after_baseline, min_size=2, max_size=8))
def test_any_trajectory_not_strictly_increasing_is_rejected(days: list[dt.date]) -> None:
    if all(a < b for a, b in pairwise(days)):
        days = days[::-1]  # make it descending, so never strictly increasing
    trajectory = tuple(TrajectoryPoint(day, 10.0) for day in days)
    with pytest.raises(InvalidInput) as raised:
        check_hypothesis(MODEL, changed(trajectory=trajectory))
    assert raised.value.field == "trajectory"


@given(st.floats(allow_nan=True))
def test_confidence_is_accepted_exactly_when_it_is_a_fraction(confidence: float) -> None:
    hypothesis = changed(confidence=confidence)
    if 0.0 <= confidence <= 1.0:
        check_hypothesis(MODEL, hypothesis)
    else:
        with pytest.raises(InvalidInput):
            check_hypothesis(MODEL, hypothesis)


# Warnings on a hypothesis the model carries


def test_a_hypothesis_the_model_supports_earns_no_finding() -> None:
    assert hypothesis_findings(MODEL, [ON_EDGE, ON_PATH]) == ()


def test_a_trajectory_moving_against_its_indicator_is_a_warning_on_its_edge() -> None:
    # Admissions should fall, yet this trajectory has them rise from 12 to 13 in the first year.
    rising = changed(
        trajectory=(
            TrajectoryPoint(dt.date(2018, 3, 31), 13.0),
            TrajectoryPoint(dt.date(2019, 3, 31), 10.0),
        )
    )

    (found,) = hypothesis_findings(MODEL, [rising])

    assert (found.code, found.severity) == ("trajectory_against_direction", Severity.WARNING)
    assert found.nodes == ("clinics", "fewer_admissions")
    assert found.edges == (("clinics", "fewer_admissions"),)
    assert found.message == (
        "The success hypothesis on 'Emergency admissions' aims to decrease it, yet its "
        "trajectory rises from 12 on 2017-03-31 to 13 on 2018-03-31"
    )


def test_a_trajectory_on_a_path_against_an_increase_names_the_whole_path() -> None:
    visits = Indicator("Clinic visits", "visits", Direction.INCREASE)
    model = LogicModel.of(
        [
            *MODEL.nodes[:3],
            dataclasses.replace(MODEL.nodes[3], indicators=(ADMISSIONS, visits)),
            MODEL.nodes[4],
        ],
        MODEL.edges,
    )
    falling = dataclasses.replace(
        ON_PATH, indicator=visits, trajectory=(TrajectoryPoint(dt.date(2018, 3, 31), 11.0),)
    )

    (found,) = hypothesis_findings(model, [falling])

    assert found.code == "trajectory_against_direction"
    assert found.nodes == ("nurses", "clinics", "fewer_admissions")
    assert found.edges == (("nurses", "clinics"), ("clinics", "fewer_admissions"))


def test_a_flat_trajectory_is_not_against_the_direction() -> None:
    flat = changed(trajectory=(TrajectoryPoint(dt.date(2018, 3, 31), 12.0),))

    assert hypothesis_findings(MODEL, [flat]) == ()


@pytest.mark.parametrize(
    ("indicator", "why"),
    [
        (
            Indicator("Bed days", "days", Direction.DECREASE),
            "which declares 'Emergency admissions' but not this one",
        ),
        (
            Indicator("Emergency admissions", "admissions", Direction.DECREASE),
            "which declares 'Emergency admissions' in admissions per 1,000 people to decrease, "
            "not in admissions to decrease",
        ),
    ],
)
def test_a_hypothesis_on_an_indicator_its_target_does_not_declare_is_a_warning(
    indicator: Indicator, why: str
) -> None:
    (found,) = hypothesis_findings(MODEL, [changed(indicator=indicator)])

    assert (found.code, found.severity) == ("indicator_not_on_target", Severity.WARNING)
    assert found.nodes == ("fewer_admissions",)
    assert found.edges == (("clinics", "fewer_admissions"),)
    assert why in found.message


def test_a_target_with_no_indicator_says_so() -> None:
    bare = LogicModel.of(
        [*MODEL.nodes[:3], dataclasses.replace(MODEL.nodes[3], indicators=()), MODEL.nodes[4]],
        MODEL.edges,
    )

    found = [f for f in bid_findings(bare, [ON_EDGE]) if f.code == "indicator_not_on_target"]

    assert [f.nodes for f in found] == [("fewer_admissions",)]
    assert "which declares no indicator" in found[0].message


def test_hypothesis_warnings_join_the_models_findings_in_order() -> None:
    rising = changed(trajectory=(TrajectoryPoint(dt.date(2018, 3, 31), 13.0),))
    elsewhere = changed(indicator=Indicator("Bed days", "days", Direction.DECREASE))

    found = bid_findings(MODEL, [rising, elsewhere])

    assert [f.code for f in found] == ["indicator_not_on_target", "trajectory_against_direction"]
    assert MODEL.quality(found).score == 1.0  # they do not change the quality score
