"""The logic-model quality score: weighted shares of the model that its warnings leave untouched."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

from bpv.errors import InvalidInput
from bpv.logic_model.elements import Finding, NodeKind, Severity
from bpv.logic_model.parts import ModelParts


@dataclass(frozen=True)
class QualityWeights:
    """How much each share counts towards the score; fractions in [0, 1] that sum to 1.

    The defaults are binary fractions, so a model with no warnings scores exactly 1.0 and the
    terms add up to the score without rounding drift.
    """

    chain_completeness: float = 0.375
    indicator_coverage: float = 0.25
    evidence_coverage: float = 0.125
    rationale_coverage: float = 0.125
    stage_continuity: float = 0.125

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            # Written as a range test so that NaN fails it too.
            if not 0.0 <= value <= 1.0:
                raise InvalidInput(
                    f"The quality weight {spec.name} must be a fraction between 0 and 1, "
                    f"not {value}",
                    f"quality_weights.{spec.name}",
                )
        total = math.fsum(getattr(self, spec.name) for spec in fields(self))
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise InvalidInput(
                f"The quality weights must sum to 1, and these sum to {total}", "quality_weights"
            )


@dataclass(frozen=True)
class QualityTerm:
    """One named contribution to the quality score, so a panel can see how it was derived."""

    name: str
    value: float
    detail: str


@dataclass(frozen=True)
class Quality:
    score: float
    terms: tuple[QualityTerm, ...]


def quality_of(parts: ModelParts, findings: Sequence[Finding], weights: QualityWeights) -> Quality:
    """The score of a model (indexed as `parts`) with `findings`; see LogicModel.quality."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        codes = ", ".join(sorted({f.code for f in errors}))
        count = f"{len(errors)} error" + ("s" if len(errors) > 1 else "")
        return Quality(
            0.0,
            (QualityTerm("errors", 0.0, f"{count} ({codes}) must be fixed before scoring"),),
        )

    def flagged_nodes(*codes: str) -> int:
        return len({key for f in findings if f.code in codes for key in f.nodes})

    def flagged_edges(code: str) -> int:
        return len({pair for f in findings if f.code == code for pair in f.edges})

    def term(name: str, good: int, total: int, what: str) -> QualityTerm:
        weight: float = getattr(weights, name)
        # With nothing to cover (a model with no edges) there is nothing to credit.
        coverage = good / total if total else 0.0
        return QualityTerm(
            name,
            weight * coverage,
            f"{good} of {total} {what} (coverage {coverage:.3f} at weight {weight})",
        )

    nodes, edges = len(parts.nodes), len(parts.edges)
    measured = sum(1 for n in parts.nodes.values() if n.kind in (NodeKind.OUTCOME, NodeKind.IMPACT))
    terms = (
        term(
            "chain_completeness",
            nodes - flagged_nodes("orphan_node", "off_path_node"),
            nodes,
            "nodes lie on an input → impact path",
        ),
        term(
            "indicator_coverage",
            measured - flagged_nodes("missing_indicator"),
            measured,
            "outcomes and impacts have an indicator",
        ),
        term(
            "evidence_coverage",
            edges - flagged_edges("edge_without_evidence"),
            edges,
            "edges cite evidence",
        ),
        term(
            "rationale_coverage",
            edges - flagged_edges("edge_without_rationale"),
            edges,
            "edges give a rationale",
        ),
        term(
            "stage_continuity", edges - flagged_edges("skipped_stage"), edges, "edges skip no stage"
        ),
    )
    # Summed in the order shown, so with the default weights the terms add up to the score
    # exactly; weights that sum to 1 only within rounding could step just past 1, hence the clamp.
    return Quality(min(1.0, sum(t.value for t in terms)), terms)
