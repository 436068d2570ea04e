"""The bid page's success hypotheses: each claim with the link of the logic model it rests on
and its evidence, in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.schemas.hypotheses import HypothesisRead
from app.web.views.formats import number, percent, pounds


@dataclass(frozen=True)
class HypothesisRow:
    number: int
    indicator: str
    link: str
    baseline: str
    target: str
    rationale: str
    evidence: str
    confidence: str
    monetisation: str
    additionality: str


def hypothesis_rows(
    hypotheses: list[HypothesisRead], labels: Mapping[str, str]
) -> tuple[HypothesisRow, ...]:
    def named(key: str) -> str:
        return labels.get(key, key)

    rows = []
    for index, h in enumerate(hypotheses, start=1):
        if h.edge is not None:
            link = f"{named(h.edge.source)} → {named(h.edge.target)}"
        else:
            link = " → ".join(named(key) for key in h.path or [])
        last = h.trajectory[-1]
        money = h.monetisation
        extra = h.additionality
        rows.append(
            HypothesisRow(
                number=index,
                indicator=f"{h.indicator.name} ({h.indicator.unit}; {h.indicator.direction} "
                "is better)",
                link=link,
                baseline=f"{number(h.baseline.value, 1)} on {h.baseline.date:%d %b %Y}",
                target=f"{number(last.value, 1)} by {last.date:%d %b %Y}"
                + (f" ({len(h.trajectory)} steps)" if len(h.trajectory) > 1 else ""),
                rationale=h.rationale,
                evidence=f"{h.evidence.source} (grade: {h.evidence.grade.replace('_', ' ')})",
                confidence=percent(h.confidence),
                monetisation="not monetised"
                if money is None
                else f"{pounds(money.value_per_unit)} a unit, "
                f"{str(money.benefit_type).replace('_', ' ')}",
                additionality="none stated"
                if extra is None
                else f"deadweight {percent(extra.deadweight)}, displacement "
                f"{percent(extra.displacement)}, attribution {percent(extra.attribution)}, "
                f"drop-off {percent(extra.drop_off)} a year",
            )
        )
    return tuple(rows)
