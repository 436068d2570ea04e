"""A bid must give costs to weigh its benefits against before it is submitted."""

from __future__ import annotations

from bpv.appraisal import BidCostLine, CostKind, Flow
from bpv.cost_checks import cost_findings


def nurses(*amounts: float) -> BidCostLine:
    flows = tuple(Flow(2017 + i, amount) for i, amount in enumerate(amounts))
    return BidCostLine("Nurses", CostKind.REVENUE, flows)


def test_a_bid_with_no_cost_lines_has_a_blocking_finding() -> None:
    (finding,) = cost_findings([])

    assert (finding.code, finding.severity) == ("no_cost_lines", "error")
    assert "cost_lines" in finding.message


def test_cost_lines_of_nothing_but_zeros_block_it_too() -> None:
    (finding,) = cost_findings([nurses(0.0, 0.0)])

    assert finding.code == "no_cost_lines"
    assert "0" in finding.message


def test_any_cost_clears_it() -> None:
    assert cost_findings([nurses(0.0, 100_000.0)]) == ()
