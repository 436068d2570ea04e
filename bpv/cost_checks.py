"""What a bid's costs must give before it is submitted: something to weigh its benefits against."""

from __future__ import annotations

from collections.abc import Sequence

from bpv.appraisal import BidCostLine
from bpv.logic_model import Finding, Severity


def cost_findings(lines: Sequence[BidCostLine]) -> tuple[Finding, ...]:
    """A `no_cost_lines` error for a bid with no costs, or with every amount 0.

    Without costs its appraisal would show PV costs of 0 and payback in year 0.
    """
    if not lines:
        message = "The bid has no cost lines: add its costs (cost_lines) before submitting"
    elif not any(flow.amount for line in lines for flow in line.flows):
        message = "Every amount of the bid's cost lines is 0: give its costs before submitting"
    else:
        return ()
    return (Finding("no_cost_lines", Severity.ERROR, message),)
