"""Reference-class calibration: how optimistic past predictions were, by group, and how a new
appraisal's figures look with that optimism taken out.

A bid enters a group's factor when it has at least `min_periods` measured periods; for the
benefits factor its predicted money (over the periods it has data for) must be positive, for
the spend factor its planned and actual spend (over the years with actual spend) must both be.
A group needs at least `min_bids` such bids, or it is left out.

Ratio: realised / predicted benefits (actual / planned spend) per bid; the factor is their
geometric mean, exp(mean of log ratios), the typical bid's ratio when errors are multiplicative,
with a 90% interval exp(mean ± t(0.95, n-1) x sd / sqrt(n)) from Student's t on the log ratios.
A bid that realised nothing, or lost money, has no log ratio; dropping it would hide exactly the
optimism being measured, so a group with one instead gets the pooled ratio sum(realised) /
sum(predicted) with a seeded 90% percentile bootstrap over its bids. `method` says which.

Applying: `adjustment` picks, for benefits and for costs separately, the most specific group a
new bid falls in (its lead organisation, else its programme area, else none: factor 1);
`adjusted_measures` multiplies PV benefits and PV costs by them. The web shell reports these
beside the unadjusted figures, never instead of them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import stats

from bpv.appraisal.measures import ratio_or_none
from bpv.appraisal.validation import require_finite, require_int
from bpv.benefits.model import BidBenefits, BidOutturn, CalibrationFactor
from bpv.errors import InvalidInput

BENEFITS = "benefits"
SPEND = "spend"
PROGRAMME_AREA = "programme_area"
LEAD_ORGANISATION = "lead_organisation"
CONFIDENCE = 0.90
BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_SEED = 20170401  # fixed, so the same outturns always give the same interval


def bid_outturn(bid_id: str, groups: dict[str, str], benefits: BidBenefits) -> BidOutturn:
    """A bid's outturn for calibration from its benefits to date: predicted money over the
    periods with data (like for like with the realised), spend over the years with actuals."""
    return BidOutturn(
        bid_id=bid_id,
        groups=dict(groups),
        predicted_money=benefits.predicted_money_measured,
        realised_money=benefits.realised_money,
        planned_spend=benefits.planned_spend,
        actual_spend=benefits.actual_spend,
        periods_measured=benefits.periods_measured,
    )


def calibrate(
    outturns: Sequence[BidOutturn], *, min_bids: int = 3, min_periods: int = 6
) -> tuple[CalibrationFactor, ...]:
    """Factors for every dimension and group with enough bids (module docstring), ordered by
    dimension, group and measure."""
    if require_int(min_bids, "min_bids") < 2:
        raise InvalidInput("min_bids must be at least 2 (one bid gives no interval)", "min_bids")
    if require_int(min_periods, "min_periods") < 0:
        raise InvalidInput("min_periods must not be negative", "min_periods")
    seen: set[str] = set()
    for index, outturn in enumerate(outturns):
        at = f"outturns[{index}]"
        if outturn.bid_id in seen:
            raise InvalidInput(f"bid {outturn.bid_id} appears twice", f"{at}.bid_id")
        seen.add(outturn.bid_id)
        for name in ("predicted_money", "realised_money", "planned_spend", "actual_spend"):
            require_finite(getattr(outturn, name), f"{at}.{name}")

    members: dict[tuple[str, str], list[BidOutturn]] = defaultdict(list)
    for outturn in outturns:
        if outturn.periods_measured >= min_periods:
            for dimension, group in outturn.groups.items():
                members[(dimension, group)].append(outturn)

    factors = []
    for (dimension, group), bids in sorted(members.items()):
        benefits = [(o.realised_money, o.predicted_money) for o in bids if o.predicted_money > 0]
        spend = [
            (o.actual_spend, o.planned_spend)
            for o in bids
            if o.planned_spend > 0 and o.actual_spend > 0
        ]
        for measure, pairs in ((BENEFITS, benefits), (SPEND, spend)):
            if len(pairs) >= min_bids:
                factors.append(_factor(dimension, group, measure, pairs))
    return tuple(factors)


def _factor(
    dimension: str, group: str, measure: str, pairs: Sequence[tuple[float, float]]
) -> CalibrationFactor:
    outcome = np.array([o for o, _ in pairs], dtype=np.float64)
    plan = np.array([p for _, p in pairs], dtype=np.float64)
    n = len(pairs)
    what = "realised/predicted benefits" if measure == BENEFITS else "actual/planned spend"
    ratios = outcome / plan
    if bool((ratios > 0).all()):
        logs = np.log(ratios)
        mean = float(logs.mean())
        half = (
            float(stats.t.ppf((1 + CONFIDENCE) / 2, n - 1)) * float(logs.std(ddof=1)) / math.sqrt(n)
        )
        return CalibrationFactor(
            dimension,
            group,
            measure,
            ratio=math.exp(mean),
            low=math.exp(mean - half),
            high=math.exp(mean + half),
            confidence=CONFIDENCE,
            bids=n,
            method=(
                f"geometric mean of {n} bids' {what} ratios; {CONFIDENCE:.0%} interval from "
                f"Student's t on the log ratios ({n - 1} degrees of freedom)"
            ),
        )
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
    pooled = outcome[picks].sum(axis=1) / plan[picks].sum(axis=1)
    low, high = np.quantile(pooled, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2])
    failed = int((ratios <= 0).sum())
    return CalibrationFactor(
        dimension,
        group,
        measure,
        ratio=float(outcome.sum() / plan.sum()),
        low=float(low),
        high=float(high),
        confidence=CONFIDENCE,
        bids=n,
        method=(
            f"pooled ratio of {what} summed over {n} bids ({failed} realised nothing or less, "
            f"so no geometric mean); {CONFIDENCE:.0%} percentile bootstrap over bids, "
            f"{BOOTSTRAP_RESAMPLES} resamples, seed {BOOTSTRAP_SEED}"
        ),
    )


class Adjustment(NamedTuple):
    """Factors for a new appraisal's PV benefits and PV costs, and where they came from."""

    benefit_factor: float
    cost_factor: float
    source: str


class AdjustedMeasures(NamedTuple):
    pv_costs: float
    pv_benefits: float
    npsv: float
    bcr: float | None


def adjustment(
    factors: Sequence[CalibrationFactor],
    programme_area: str | None,
    lead_organisation: str | None,
) -> Adjustment:
    """The most specific factors a bid falls under: its lead organisation's, else its programme
    area's, else 1 (no calibration), chosen for benefits and costs separately."""
    chosen = {
        measure: _most_specific(factors, measure, programme_area, lead_organisation)
        for measure in (BENEFITS, SPEND)
    }
    words = []
    for measure, label in ((BENEFITS, "benefits"), (SPEND, "costs")):
        factor = chosen[measure]
        if factor is None:
            words.append(f"{label} x 1 (no calibrated group)")
        else:
            words.append(
                f"{label} x {factor.ratio:.3g} from {factor.dimension} {factor.group} "
                f"({factor.bids} bids, {factor.confidence:.0%} interval "
                f"{factor.low:.3g} to {factor.high:.3g})"
            )
    benefit, spend = chosen[BENEFITS], chosen[SPEND]
    return Adjustment(
        benefit_factor=benefit.ratio if benefit else 1.0,
        cost_factor=spend.ratio if spend else 1.0,
        source="; ".join(words),
    )


def _most_specific(
    factors: Sequence[CalibrationFactor],
    measure: str,
    programme_area: str | None,
    lead_organisation: str | None,
) -> CalibrationFactor | None:
    for dimension, group in (
        (LEAD_ORGANISATION, lead_organisation),
        (PROGRAMME_AREA, programme_area),
    ):
        if group is None:
            continue
        for factor in factors:
            if (factor.measure, factor.dimension, factor.group) == (measure, dimension, group):
                return factor
    return None


def adjusted_measures(
    pv_costs: float, pv_benefits: float, adjustment: Adjustment
) -> AdjustedMeasures:
    """PV costs and PV benefits with the calibration applied, and the NPSV and BCR they give
    (BCR None when the adjusted costs are 0)."""
    costs = require_finite(pv_costs, "pv_costs") * adjustment.cost_factor
    benefits = require_finite(pv_benefits, "pv_benefits") * adjustment.benefit_factor
    return AdjustedMeasures(costs, benefits, benefits - costs, ratio_or_none(benefits, costs))
