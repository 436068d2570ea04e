"""Times appraise() on a 20-year bid of 12 uncertain lines with 10,000 Monte Carlo samples.

The baseline is bare numpy drawing the same multipliers and taking the same matrix product.
Run: python benchmarks/bench_appraisal.py  (or python -m benchmarks.bench_appraisal)
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from bpv.appraisal import (
    AppraisalSettings,
    BenefitLine,
    CostKind,
    CostLine,
    DiscountSchedule,
    MonteCarloSettings,
    Normal,
    Pert,
    Triangular,
    Uniform,
    appraise,
    flows_of,
)
from bpv.hypotheses import BenefitType

BASE_YEAR = 2017
YEARS = range(BASE_YEAR, BASE_YEAR + 20)
SAMPLES = 10_000
SEED = 20170401
REPEATS = 51
LIMIT_SECONDS = 0.050
TARGET_RATIO = 3.0


def bid() -> tuple[list[CostLine], list[BenefitLine]]:
    """6 cost and 6 benefit lines, each with a distribution, so the tornado covers every line."""
    cost_uncertainty = [
        Triangular(0.9, 1.0, 1.4),
        Pert(0.95, 1.0, 1.3),
        Uniform(0.9, 1.2),
        Normal(1.0, 0.1),
        Triangular(0.8, 1.0, 1.5),
        Pert(0.9, 1.05, 1.5),
    ]
    costs = [
        CostLine(
            f"cost {i}",
            CostKind.CAPITAL if i < 2 else CostKind.REVENUE,
            flows_of({year: 50_000.0 * (i + 1) for year in YEARS if i >= 2 or year < 2019}),
            optimism_bias=0.24 if i < 2 else 0.05,
            uncertainty=distribution,
        )
        for i, distribution in enumerate(cost_uncertainty)
    ]
    benefit_uncertainty = [
        Triangular(0.5, 1.0, 1.2),
        Pert(0.6, 0.9, 1.1),
        Uniform(0.7, 1.1),
        Normal(0.9, 0.15),
        Triangular(0.4, 0.8, 1.1),
        Pert(0.5, 1.0, 1.3),
    ]
    types = [BenefitType.CASH_RELEASING, BenefitType.NON_CASH_RELEASING, BenefitType.SOCIETAL]
    benefits = [
        BenefitLine(
            f"benefit {i}",
            BenefitType.QALY if i == 5 else types[i % 3],
            flows_of({year: 2.0 if i == 5 else 150_000.0 * (i + 1) for year in YEARS[2:]}),
            deadweight=0.1,
            displacement=0.05,
            attribution=0.2,
            drop_off=0.02,
            uncertainty=distribution,
        )
        for i, distribution in enumerate(benefit_uncertainty)
    ]
    return costs, benefits


def median_seconds(run: Callable[[], object]) -> float:
    run()  # warm caches (discount factors, imports) outside the timing
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> int:
    costs, benefits = bid()
    settings = AppraisalSettings(BASE_YEAR, DiscountSchedule.green_book(), 60_000.0)
    monte_carlo = MonteCarloSettings(samples=SAMPLES, seed=SEED)
    appraisal = appraise(costs, benefits, settings, monte_carlo)
    signed_pvs = np.array(
        [-line.pv if line.role == "cost" else line.pv for line in appraisal.lines]
    )
    distributions = [line.uncertainty for line in [*costs, *benefits] if line.uncertainty]

    def baseline() -> np.ndarray:
        rng = np.random.default_rng(SEED)
        multipliers = np.empty((len(distributions), SAMPLES))
        for row, d in enumerate(distributions):
            if isinstance(d, Triangular):
                multipliers[row] = rng.triangular(d.low, d.mode, d.high, SAMPLES)
            elif isinstance(d, Pert):
                width = d.high - d.low
                a = 1 + 4 * (d.mode - d.low) / width
                b = 1 + 4 * (d.high - d.mode) / width
                multipliers[row] = d.low + width * rng.beta(a, b, SAMPLES)
            elif isinstance(d, Normal):
                multipliers[row] = rng.normal(d.mean_value, d.sd, SAMPLES)
            else:
                multipliers[row] = rng.uniform(d.low, d.high, SAMPLES)
        npsv: np.ndarray = signed_pvs @ multipliers
        return npsv

    result = appraisal.monte_carlo
    assert result is not None
    # Same samples: the bare computation must reproduce the appraisal's mean NPSV.
    bare_mean = float(baseline().mean())
    assert abs(bare_mean - result.npsv.mean) <= 1e-9 * abs(result.npsv.mean), bare_mean

    ours = median_seconds(lambda: appraise(costs, benefits, settings, monte_carlo))
    base = median_seconds(baseline)
    ratio = ours / base
    print(
        f"bid: {len(YEARS)} years, {len(costs)} cost + {len(benefits)} benefit lines, "
        f"{SAMPLES:,} samples, tornado over {len(appraisal.tornado)} lines"
    )
    print(f"NPSV £{appraisal.npsv:,.0f}; BCR {appraisal.bcr:.4f}; "
          f"P(NPSV > 0) {result.probability_npsv_positive:.3f}")  # fmt: skip
    print(f"appraise(): median {ours * 1000:.2f} ms over {REPEATS} runs")
    print(f"baseline (bare numpy draws + matrix product): median {base * 1000:.2f} ms")
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"ratio: {ratio:.2f}x the baseline ({verdict} the {TARGET_RATIO:g}x target)")
    if ours > LIMIT_SECONDS:
        print(f"FAIL: median above {LIMIT_SECONDS * 1000:.0f} ms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
