"""Logic-model validation: each finding code on a minimal example, the quality score, and laws."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpv.errors import InvalidInput, InvalidLogicModel
from bpv.logic_model import (
    Direction,
    Edge,
    Evidence,
    EvidenceGrade,
    Finding,
    Indicator,
    LogicModel,
    Node,
    NodeKind,
    QualityWeights,
    Severity,
    Term,
)

ADMISSIONS = Indicator("Emergency admissions", "admissions per 1,000 people", Direction.DECREASE)
REVIEW = Evidence("Cochrane review of nurse-led clinics, 2019", EvidenceGrade.MODERATE)
CHAIN_ORDER = tuple(NodeKind)
STAGE = {kind: rank for rank, kind in enumerate(CHAIN_ORDER)}
TERM_ORDER = (Term.SHORT, Term.MEDIUM, Term.LONG)


def node(key: str, kind: str, *, term: str | None = "short", measured: bool = True) -> Node:
    """A node as a well-formed model has it: outcomes with a term, outcomes and impacts measured."""
    node_kind = NodeKind(kind)
    return Node(
        key,
        node_kind,
        key.replace("_", " ").capitalize(),
        term=Term(term) if node_kind is NodeKind.OUTCOME and term else None,
        indicators=(ADMISSIONS,)
        if measured and node_kind in (NodeKind.OUTCOME, NodeKind.IMPACT)
        else (),
    )


def edge(
    source: str,
    target: str,
    *,
    rationale: str | None = "Earlier care prevents crises",
    evidence: Evidence | None = REVIEW,
) -> Edge:
    return Edge(source, target, rationale=rationale, evidence=evidence, confidence=0.7)


FUNDING = node("funding", "input")
NURSES = node("nurses", "activity")
CLINICS = node("clinics", "output")
FEWER_ADMISSIONS = node("fewer_admissions", "outcome")
HEALTHY_YEARS = node("healthy_years", "impact")
CHAIN = (FUNDING, NURSES, CLINICS, FEWER_ADMISSIONS, HEALTHY_YEARS)
CHAIN_EDGES = tuple(edge(a.key, b.key) for a, b in pairwise(CHAIN))
# funding → nurses → clinics → fewer_admissions → healthy_years, every link argued and evidenced.
PERFECT = LogicModel.of(CHAIN, CHAIN_EDGES)


def extended(nodes: tuple[Node, ...] = (), edges: tuple[Edge, ...] = ()) -> LogicModel:
    return LogicModel.of(CHAIN + nodes, CHAIN_EDGES + edges)


def codes(model: LogicModel) -> set[str]:
    return {finding.code for finding in model.findings()}


def only(model: LogicModel, code: str) -> Finding:
    (finding,) = (f for f in model.findings() if f.code == code)
    return finding


FINDING_EXAMPLES = [
    pytest.param(
        "cycle",
        # Two short-term outcomes feeding each other: neither edge is backward, the loop is.
        extended(
            (node("self_care", "outcome"),),
            (edge("fewer_admissions", "self_care"), edge("self_care", "fewer_admissions")),
        ),
        extended(
            (node("self_care", "outcome"),),
            (edge("fewer_admissions", "self_care"), edge("self_care", "healthy_years")),
        ),
        id="cycle",
    ),
    pytest.param(
        "backward_edge",
        extended(
            (
                node("readmissions", "outcome", term="short"),
                node("frailty", "outcome", term="long"),
            ),
            (
                edge("clinics", "frailty"),
                edge("frailty", "readmissions"),
                edge("readmissions", "healthy_years"),
            ),
        ),
        extended(
            (
                node("readmissions", "outcome", term="short"),
                node("frailty", "outcome", term="long"),
            ),
            (
                edge("clinics", "readmissions"),
                edge("readmissions", "frailty"),
                edge("frailty", "healthy_years"),
            ),
        ),
        id="backward_edge",
    ),
    pytest.param(
        "unknown_key",
        extended(edges=(edge("clinics", "ghost"),)),
        PERFECT,
        id="unknown_key",
    ),
    pytest.param(
        "duplicate_key",
        extended((node("clinics", "output"),)),
        PERFECT,
        id="duplicate_key",
    ),
    pytest.param(
        "duplicate_edge",
        extended(edges=(edge("nurses", "clinics"),)),
        PERFECT,
        id="duplicate_edge",
    ),
    pytest.param(
        "no_input",
        LogicModel.of(CHAIN[1:], CHAIN_EDGES[1:]),
        PERFECT,
        id="no_input",
    ),
    pytest.param(
        "no_impact",
        LogicModel.of(CHAIN[:-1], CHAIN_EDGES[:-1]),
        PERFECT,
        id="no_impact",
    ),
    pytest.param(
        "skipped_stage",
        extended(edges=(edge("nurses", "fewer_admissions"),)),
        PERFECT,
        id="skipped_stage",
    ),
    pytest.param(
        "orphan_node",
        extended((node("leaflets", "output"),)),
        extended((node("leaflets", "output"),), (edge("nurses", "leaflets"),)),
        id="orphan_node",
    ),
    pytest.param(
        "off_path_node",
        extended((node("leaflets", "output"),), (edge("nurses", "leaflets"),)),
        extended(
            (node("leaflets", "output"),),
            (edge("nurses", "leaflets"), edge("leaflets", "fewer_admissions")),
        ),
        id="off_path_node",
    ),
    pytest.param(
        "missing_indicator",
        LogicModel.of(
            (*CHAIN[:3], node("fewer_admissions", "outcome", measured=False), HEALTHY_YEARS),
            CHAIN_EDGES,
        ),
        PERFECT,
        id="missing_indicator",
    ),
    pytest.param(
        "edge_without_rationale",
        LogicModel.of(
            CHAIN, (*CHAIN_EDGES[:-1], edge("fewer_admissions", "healthy_years", rationale=" "))
        ),
        PERFECT,
        id="edge_without_rationale",
    ),
    pytest.param(
        "edge_without_evidence",
        LogicModel.of(
            CHAIN, (*CHAIN_EDGES[:-1], edge("fewer_admissions", "healthy_years", evidence=None))
        ),
        PERFECT,
        id="edge_without_evidence",
    ),
    pytest.param(
        "outcome_without_term",
        LogicModel.of(
            (*CHAIN[:3], node("fewer_admissions", "outcome", term=None), HEALTHY_YEARS), CHAIN_EDGES
        ),
        PERFECT,
        id="outcome_without_term",
    ),
    pytest.param(
        "same_stage_edge",
        extended(
            (node("training", "activity"),),
            (edge("nurses", "training"), edge("training", "clinics")),
        ),
        extended(
            (node("training", "activity"),),
            (edge("funding", "training"), edge("training", "clinics")),
        ),
        id="same_stage_edge",
    ),
]


ERROR_CODES = {"cycle", "backward_edge", "unknown_key", "duplicate_key", "duplicate_edge"}
ERROR_CODES |= {"no_input", "no_impact"}
WARNING_CODES = {"skipped_stage", "orphan_node", "off_path_node", "missing_indicator"}
WARNING_CODES |= {"edge_without_rationale", "edge_without_evidence"}
WARNING_EXAMPLES = [p for p in FINDING_EXAMPLES if p.values[0] in WARNING_CODES]


@pytest.mark.parametrize(("code", "flawed", "sound"), FINDING_EXAMPLES)
def test_each_finding_code_is_raised_by_its_flaw_and_only_by_it(
    code: str, flawed: LogicModel, sound: LogicModel
) -> None:
    assert code in codes(flawed)
    assert code not in codes(sound)


def test_a_complete_evidenced_chain_has_no_findings() -> None:
    assert PERFECT.findings() == ()


@pytest.mark.parametrize(("code", "flawed", "sound"), FINDING_EXAMPLES)
def test_severities_follow_the_spec(code: str, flawed: LogicModel, sound: LogicModel) -> None:
    expected = (
        Severity.ERROR
        if code in ERROR_CODES
        else Severity.WARNING
        if code in WARNING_CODES
        else Severity.INFO
    )
    assert {f.severity for f in flawed.findings() if f.code == code} == {expected}


def test_backward_edge_message_reads_plainly() -> None:
    model = extended(edges=(edge("fewer_admissions", "nurses"),))
    finding = only(model, "backward_edge")
    assert (
        finding.message
        == "Edge 'fewer_admissions' → 'nurses' goes from a short-term outcome back to an activity"
    )
    assert finding.edges == (("fewer_admissions", "nurses"),)


def test_an_outcome_may_feed_an_outcome_of_the_same_or_longer_term_or_without_term() -> None:
    model = extended(
        (node("mobility", "outcome", term="short"), node("independence", "outcome", term=None)),
        (
            edge("clinics", "mobility"),
            edge("mobility", "fewer_admissions"),
            edge("fewer_admissions", "independence"),
            edge("independence", "healthy_years"),
        ),
    )
    assert {f.code for f in model.findings() if f.severity is not Severity.INFO} == set()


def test_a_cycle_names_its_nodes_and_edges_once() -> None:
    model = extended(edges=(edge("healthy_years", "nurses"),))
    cycle = only(model, "cycle")
    assert cycle.nodes == ("clinics", "fewer_admissions", "healthy_years", "nurses")
    assert cycle.edges == (
        ("clinics", "fewer_admissions"),
        ("fewer_admissions", "healthy_years"),
        ("healthy_years", "nurses"),
        ("nurses", "clinics"),
    )
    assert "backward_edge" in codes(model)


def test_a_self_loop_is_a_cycle() -> None:
    cycle = only(extended(edges=(edge("clinics", "clinics"),)), "cycle")
    assert cycle.nodes == ("clinics",)
    assert cycle.edges == (("clinics", "clinics"),)


def test_edges_to_unknown_keys_are_reported_and_left_out_of_graph_checks() -> None:
    model = extended(edges=(edge("ghost", "phantom"), edge("clinics", "ghost")))
    unknown = [f for f in model.findings() if f.code == "unknown_key"]
    assert [f.nodes for f in unknown] == [("ghost",), ("ghost", "phantom")]
    assert {f.code for f in model.findings()} == {"unknown_key"}
    assert not model.has_edge("clinics", "ghost")
    assert "ghost" not in model.graph()


def test_an_orphan_is_not_also_reported_as_off_the_path() -> None:
    model = extended((node("leaflets", "output"),))
    assert [f.code for f in model.findings() if "leaflets" in f.nodes] == ["orphan_node"]


def test_off_path_says_which_end_of_the_chain_is_missing() -> None:
    model = extended(
        (node("leaflets", "output"), node("ward", "activity")),
        (edge("nurses", "leaflets"), edge("ward", "clinics")),
    )
    messages = {f.nodes[0]: f.message for f in model.findings() if f.code == "off_path_node"}
    assert "it leads to no impact" in messages["leaflets"]
    assert "no input leads to it" in messages["ward"]


def test_without_inputs_nodes_are_not_each_reported_off_the_path() -> None:
    assert "off_path_node" not in codes(LogicModel.of(CHAIN[1:], CHAIN_EDGES[1:]))


def test_findings_come_errors_first_then_by_code() -> None:
    model = extended(
        (node("leaflets", "output"),),
        (edge("nurses", "fewer_admissions", evidence=None), edge("clinics", "ghost")),
    )
    found = model.findings()
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    assert [(rank[f.severity], f.code) for f in found] == sorted(
        (rank[f.severity], f.code) for f in found
    )
    assert found[0].code == "unknown_key"


def test_graph_holds_the_nodes_and_edges_keeping_the_first_duplicate() -> None:
    model = extended(
        (node("clinics", "activity"),), (edge("nurses", "clinics", rationale="again"),)
    )
    graph = model.graph()
    assert graph.number_of_nodes() == 5
    assert graph.number_of_edges() == 4
    assert graph.nodes["clinics"]["node"] == CLINICS
    assert graph.edges["nurses", "clinics"]["edge"] == CHAIN_EDGES[1]


def test_path_edges_are_the_edges_between_consecutive_keys() -> None:
    assert PERFECT.has_edge("funding", "nurses")
    assert not PERFECT.has_edge("nurses", "funding")
    assert PERFECT.path_edges(["nurses", "clinics", "fewer_admissions"]) == (
        ("nurses", "clinics"),
        ("clinics", "fewer_admissions"),
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (["nurses"], "at least two node keys"),
        (["nurses", "ghost"], "'ghost' is not a node"),
        (["nurses", "fewer_admissions"], "no edge joins 'nurses' → 'fewer_admissions'"),
    ],
)
def test_path_edges_rejects_a_path_that_is_not_in_the_model(path: list[str], reason: str) -> None:
    assert reason in (PERFECT.path_problem(path) or "")
    with pytest.raises(InvalidLogicModel) as raised:
        PERFECT.path_edges(path)
    assert raised.value.field == "path"


# Quality score


def test_a_perfect_chain_scores_exactly_one() -> None:
    quality = PERFECT.quality()
    assert quality.score == 1.0
    assert [t.name for t in quality.terms] == [
        "chain_completeness",
        "indicator_coverage",
        "evidence_coverage",
        "rationale_coverage",
        "stage_continuity",
    ]


def test_any_error_scores_zero_and_says_why() -> None:
    quality = extended(edges=(edge("clinics", "ghost"),)).quality()
    assert quality.score == 0.0
    (term,) = quality.terms
    assert term.name == "errors"
    assert "unknown_key" in term.detail


def test_one_unevidenced_edge_of_four_costs_a_quarter_of_the_evidence_weight() -> None:
    model = LogicModel.of(
        CHAIN, (*CHAIN_EDGES[:-1], edge("fewer_admissions", "healthy_years", evidence=None))
    )
    quality = model.quality()
    assert quality.score == 1 - 0.125 / 4
    evidence = next(t for t in quality.terms if t.name == "evidence_coverage")
    assert evidence.detail.startswith("3 of 4 edges cite evidence")


@pytest.mark.parametrize(("code", "flawed", "sound"), WARNING_EXAMPLES)
def test_warnings_lower_the_score_without_zeroing_it(
    code: str, flawed: LogicModel, sound: LogicModel
) -> None:
    quality = flawed.quality()
    assert 0.0 < quality.score < 1.0
    assert sum(t.value for t in quality.terms) == quality.score


def test_info_findings_do_not_lower_the_score() -> None:
    model = LogicModel.of(
        (*CHAIN[:3], node("fewer_admissions", "outcome", term=None), HEALTHY_YEARS), CHAIN_EDGES
    )
    assert model.quality().score == 1.0


def test_quality_reuses_findings_given_to_it() -> None:
    model = extended(edges=(edge("nurses", "fewer_admissions"),))
    assert model.quality(model.findings()) == model.quality()


def test_the_quality_weights_are_a_parameter_with_todays_values_as_defaults() -> None:
    model = LogicModel.of(
        CHAIN, (*CHAIN_EDGES[:-1], edge("fewer_admissions", "healthy_years", evidence=None))
    )
    evidence_heavy = QualityWeights(
        chain_completeness=0.25,
        indicator_coverage=0.25,
        evidence_coverage=0.25,
        rationale_coverage=0.125,
        stage_continuity=0.125,
    )

    assert QualityWeights() == QualityWeights(0.375, 0.25, 0.125, 0.125, 0.125)
    assert model.quality(weights=QualityWeights()) == model.quality()
    assert model.quality(weights=evidence_heavy).score == 1 - 0.25 / 4
    evidence = next(
        t for t in model.quality(weights=evidence_heavy).terms if t.name == "evidence_coverage"
    )
    assert evidence.detail == "3 of 4 edges cite evidence (coverage 0.750 at weight 0.25)"


def test_weights_in_tenths_still_score_a_perfect_model_at_most_one() -> None:
    tenths = QualityWeights(0.3, 0.3, 0.2, 0.1, 0.1)

    assert PERFECT.quality(weights=tenths).score == pytest.approx(1.0)
    assert PERFECT.quality(weights=tenths).score <= 1.0


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"chain_completeness": 0.5}, "quality_weights"),
        ({"chain_completeness": 0.0}, "quality_weights"),
        (
            {"chain_completeness": 1.5, "indicator_coverage": -0.875, "stage_continuity": 0.125},
            "quality_weights.chain_completeness",
        ),
        ({"evidence_coverage": float("nan")}, "quality_weights.evidence_coverage"),
    ],
)
def test_weights_that_are_not_fractions_summing_to_one_are_refused(
    weights: dict[str, float], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        QualityWeights(**weights)
    assert raised.value.field == field


# Laws over generated models


@st.composite
def layered_models(draw: st.DrawFn) -> LogicModel:
    """input → activity → output → outcome → impact; each node fed by and feeding its neighbours."""
    layers: list[list[Node]] = []
    for kind in CHAIN_ORDER:
        size = draw(st.integers(1, 4))
        layers.append(
            [
                node(f"{kind.value}_{i}", kind.value, term=draw(st.sampled_from(TERM_ORDER)).value)
                for i in range(size)
            ]
        )
    pairs: set[tuple[str, str]] = set()
    for upper, lower in pairwise([[n.key for n in layer] for layer in layers]):
        pairs.update((draw(st.sampled_from(upper)), key) for key in lower)
        pairs.update((key, draw(st.sampled_from(lower))) for key in upper)
        pairs.update(
            draw(st.lists(st.tuples(st.sampled_from(upper), st.sampled_from(lower)), max_size=4))
        )
    # Outcome → outcome edges only towards an equal or longer term, in one fixed order: no loop.
    outcomes = sorted(
        layers[STAGE[NodeKind.OUTCOME]],
        key=lambda n: (TERM_ORDER.index(n.term or Term.SHORT), n.key),
    )
    if len(outcomes) > 1:
        indices = st.integers(0, len(outcomes) - 1)
        for i, j in draw(st.lists(st.tuples(indices, indices), max_size=3)):
            if i < j:
                pairs.add((outcomes[i].key, outcomes[j].key))
    nodes = [n for layer in layers for n in layer]
    edges = [edge(s, t) for s, t in sorted(pairs)]
    return LogicModel.of(draw(st.permutations(nodes)), draw(st.permutations(edges)))


@given(layered_models())
def test_a_layered_model_with_every_node_on_a_path_has_no_findings(model: LogicModel) -> None:
    assert model.findings() == ()
    assert model.quality().score == 1.0


@given(layered_models(), st.data())
def test_any_back_edge_is_an_error(model: LogicModel, data: st.DataObject) -> None:
    later = data.draw(st.sampled_from([n for n in model.nodes if n.kind is not NodeKind.INPUT]))
    earlier = data.draw(
        st.sampled_from([n for n in model.nodes if STAGE[n.kind] < STAGE[later.kind]])
    )
    flawed = LogicModel.of(model.nodes, (*model.edges, edge(later.key, earlier.key)))
    assert codes(flawed) & {"cycle", "backward_edge"}
    assert flawed.quality().score == 0.0


@st.composite
def arbitrary_models(draw: st.DrawFn) -> LogicModel:
    """Any graph: unique keys and unique edges, but kinds, terms and links at random."""
    keys = draw(st.lists(st.sampled_from("abcdefghij"), unique=True, max_size=8))
    nodes = [
        node(
            key,
            draw(st.sampled_from(CHAIN_ORDER)).value,
            term=draw(st.sampled_from([None, *TERM_ORDER])),
            measured=draw(st.booleans()),
        )
        for key in keys
    ]
    ends = st.sampled_from([*keys, "ghost"])
    pairs = draw(st.lists(st.tuples(ends, ends), unique=True, max_size=16))
    edges = [
        edge(
            s,
            t,
            rationale=draw(st.sampled_from([None, "why"])),
            evidence=draw(st.sampled_from([None, REVIEW])),
        )
        for s, t in pairs
    ]
    return LogicModel.of(nodes, edges)


@given(arbitrary_models())
def test_the_score_is_in_range_sums_its_terms_and_is_zero_with_any_error(model: LogicModel) -> None:
    found = model.findings()
    quality = model.quality(found)
    assert 0.0 <= quality.score <= 1.0
    assert sum(t.value for t in quality.terms) == quality.score
    if any(f.severity is Severity.ERROR for f in found):
        assert quality.score == 0.0
        assert [t.name for t in quality.terms] == ["errors"]
    else:
        assert len(quality.terms) == 5


@given(arbitrary_models(), st.data())
def test_findings_do_not_depend_on_the_order_nodes_and_edges_are_given(
    model: LogicModel, data: st.DataObject
) -> None:
    shuffled = LogicModel.of(
        data.draw(st.permutations(model.nodes)), data.draw(st.permutations(model.edges))
    )
    assert shuffled.findings() == model.findings()
