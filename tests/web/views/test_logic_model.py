"""The logic-model drawing's data: nodes in stage columns, findings on the nodes and edges they
name, and a node off the delivery chain marked as a gap."""

from __future__ import annotations

from app.schemas.logic_models import FindingsOut, LogicModelIn
from app.web.views.logic_model import logic_model_view


def model() -> LogicModelIn:
    return LogicModelIn.model_validate(
        {
            "nodes": [
                {"key": "money", "kind": "input", "label": "Funding"},
                {"key": "hire", "kind": "activity", "label": "Hire nurses"},
                {"key": "leaflets", "kind": "output", "label": "Leaflets"},
                {"key": "soon", "kind": "outcome", "term": "short", "label": "Soon"},
                {"key": "later", "kind": "outcome", "term": "long", "label": "Later"},
                {"key": "fewer", "kind": "impact", "label": "Fewer admissions"},
            ],
            "edges": [
                {"source": "money", "target": "hire"},
                {"source": "hire", "target": "soon"},
                {"source": "soon", "target": "later"},
                {"source": "later", "target": "fewer"},
            ],
        }
    )


def findings() -> FindingsOut:
    return FindingsOut.model_validate(
        {
            "findings": [
                {
                    "code": "orphan_node",
                    "severity": "warning",
                    "message": "Leaflets has no edges",
                    "nodes": ["leaflets"],
                    "edges": [],
                },
                {
                    "code": "skipped_stage",
                    "severity": "warning",
                    "message": "hire to soon skips outputs",
                    "nodes": ["hire", "soon"],
                    "edges": [{"source": "hire", "target": "soon"}],
                },
            ],
            "quality": {"score": 0.8, "terms": []},
        }
    )


def test_nodes_stand_in_the_column_of_their_kind_and_term() -> None:
    view = logic_model_view(model(), findings())
    stages = {node["key"]: node["stage"] for node in view.graph["nodes"]}
    assert stages["money"] < stages["hire"] < stages["leaflets"] < stages["soon"]
    assert stages["soon"] < stages["later"] < stages["fewer"]
    assert [label for label, _ in view.stages] == [
        "Inputs",
        "Activities",
        "Outputs",
        "Short-term outcomes",
        "Long-term outcomes",
        "Impacts",
    ]


def test_findings_mark_the_nodes_and_edges_they_name() -> None:
    view = logic_model_view(model(), findings())
    nodes = {node["key"]: node for node in view.graph["nodes"]}
    edges = {(e["source"], e["target"]): e for e in view.graph["edges"]}
    assert nodes["hire"]["severity"] == "warning"
    assert nodes["money"]["severity"] is None
    assert edges[("hire", "soon")]["skipped"] is True
    assert edges[("money", "hire")]["findings"] == []


def test_a_node_off_the_chain_is_a_gap_said_in_words_too() -> None:
    view = logic_model_view(model(), findings())
    gaps = [node["key"] for node in view.graph["nodes"] if node["gap"]]
    assert gaps == ["leaflets"]
    assert view.gaps == ("Leaflets",)
    assert "Off the delivery chain: Leaflets." in view.description
