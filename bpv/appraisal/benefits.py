"""Benefit flows derived from success hypotheses, each traceable to the hypothesis that claims it.

Rule: the indicator is interpolated linearly between the baseline and the trajectory points and
read at the end of each financial year (31 March); the improvement from the baseline
(direction-aware) times the value per unit is that year's gross benefit. After the last point
the final level is held to the end of its financial year, then persists for `persistence_years`
more years decaying by the drop-off: the n-th year of the persisting effect (the last trajectory
year being the first) is worth the first year's value x (1 - drop_off)^(n - 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bpv.appraisal.additionality import additionality_factor, persistence_factors
from bpv.appraisal.appraisal import AppraisalSettings
from bpv.appraisal.discounting import MAX_HORIZON
from bpv.appraisal.distributions import Distribution
from bpv.appraisal.inputs import InputKind, UncertainInput
from bpv.appraisal.lines import BenefitLine, Flow
from bpv.appraisal.validation import require_finite, require_fraction, require_int
from bpv.errors import InvalidInput
from bpv.hypotheses import Additionality, BenefitType, SuccessHypothesis
from bpv.logic_model import Direction


def financial_year(date: dt.date) -> int:
    """The financial year a date falls in, named by its starting year (April to March)."""
    return date.year if date.month >= 4 else date.year - 1


def financial_year_end(year: int) -> dt.date:
    return dt.date(year + 1, 3, 31)


@dataclass(frozen=True)
class HypothesisUncertainty:
    """Distributions on a hypothesis's inputs, each in the input's own units: a confidence
    (e.g. Triangular(0.5, 0.7, 0.8)), pounds (or QALYs) per indicator unit, additionality
    shares. Monte Carlo draws them; the point appraisal takes the hypothesis's own values."""

    confidence: Distribution | None = None
    value_per_unit: Distribution | None = None
    deadweight: Distribution | None = None
    displacement: Distribution | None = None
    attribution: Distribution | None = None

    def inputs(self, hypothesis: SuccessHypothesis, field: str = "") -> tuple[UncertainInput, ...]:
        """The uncertain inputs, each checked against the hypothesis's point value; `field`
        prefixes the names in errors (``confidence_uncertainty``, ...)."""
        at = f"{field}." if field else ""
        additionality = hypothesis.additionality or Additionality()
        value_per_unit = hypothesis.monetisation.value_per_unit if hypothesis.monetisation else 0.0
        given = [
            (InputKind.CONFIDENCE, hypothesis.confidence, self.confidence, "confidence"),
            (
                InputKind.VALUE_PER_UNIT,
                value_per_unit,
                self.value_per_unit,
                "monetisation.value_per_unit",
            ),
            *(
                (kind, getattr(additionality, kind), getattr(self, kind), f"additionality.{kind}")
                for kind in (InputKind.DEADWEIGHT, InputKind.DISPLACEMENT, InputKind.ATTRIBUTION)
            ),
        ]
        inputs = []
        for kind, point, distribution, name in given:
            if distribution is None:
                continue
            uncertain = UncertainInput(kind, point, distribution)
            uncertain.validate(f"{at}{name}_uncertainty")
            inputs.append(uncertain)
        return tuple(inputs)


@dataclass(frozen=True)
class HypothesisBenefitFlow:
    """One year's benefit from a hypothesis; QALY hypotheses give QALYs, the rest pounds."""

    year: int
    indicator_value: float
    improvement: float
    gross: float
    net: float
    persisting: bool


@dataclass(frozen=True)
class HypothesisBenefits:
    """A hypothesis's monetised flows; `gross` already carries the confidence weight."""

    source: str
    benefit_type: BenefitType
    value_per_unit: float
    confidence_weight: float
    additionality: Additionality
    flows: tuple[HypothesisBenefitFlow, ...]
    inputs: tuple[UncertainInput, ...] = ()

    @property
    def total_net(self) -> float:
        return sum(flow.net for flow in self.flows)

    def benefit_line(self) -> BenefitLine:
        """A benefit line of the gross flows carrying the hypothesis's additionality.

        Drop-off is already in the persisting years, so the line's own drop-off is 0.
        """
        return BenefitLine(
            name=self.source,
            type=self.benefit_type,
            flows=tuple(Flow(flow.year, flow.gross) for flow in self.flows),
            deadweight=self.additionality.deadweight,
            displacement=self.additionality.displacement,
            attribution=self.additionality.attribution,
            drop_off=0.0,
            source=self.source,
            inputs=self.inputs,
        )


def benefits_from_hypothesis(
    hypothesis: SuccessHypothesis,
    *,
    source: str,
    base_year: int,
    persistence_years: int = 0,
    confidence_weighted: bool = False,
    uncertainty: HypothesisUncertainty | None = None,
    field: str = "hypothesis",
) -> HypothesisBenefits:
    """Monetised annual benefits claimed by one hypothesis (see the module docstring).

    `source` labels every flow (e.g. the hypothesis id and its edge). A QALY hypothesis's
    `value_per_unit` is QALYs per indicator unit. `uncertainty` makes the line's inputs
    uncertain; an uncertain confidence needs confidence weighting and a positive confidence.
    """
    monetisation = hypothesis.monetisation
    if monetisation is None:
        raise InvalidInput(
            "a hypothesis without monetisation has no benefit flows", f"{field}.monetisation"
        )
    value_per_unit = require_finite(
        monetisation.value_per_unit, f"{field}.monetisation.value_per_unit"
    )
    confidence = require_fraction(hypothesis.confidence, f"{field}.confidence")
    weight = confidence if confidence_weighted else 1.0
    additionality = hypothesis.additionality or Additionality()
    net_share = additionality_factor(
        additionality.deadweight,
        additionality.displacement,
        additionality.attribution,
        f"{field}.additionality",
    )
    persistence_years = require_int(persistence_years, "persistence_years")
    if persistence_years < 0:
        raise InvalidInput("persistence_years must not be negative", "persistence_years")
    decay = persistence_factors(
        additionality.drop_off, persistence_years + 1, f"{field}.additionality.drop_off"
    )

    uncertainty = uncertainty or HypothesisUncertainty()
    if uncertainty.confidence is not None and not confidence_weighted:
        raise InvalidInput(
            "a confidence distribution needs confidence weighting and a positive confidence",
            f"{field}.confidence_uncertainty",
        )
    inputs = uncertainty.inputs(hypothesis, field)

    baseline = hypothesis.baseline
    baseline_value = require_trajectory(hypothesis, field)
    for index, point in enumerate(hypothesis.trajectory):
        if financial_year(point.date) < base_year:
            raise InvalidInput(
                f"{point.date} falls before the base year {base_year}",
                f"{field}.trajectory[{index}].date",
            )

    first_year = max(financial_year(baseline.date), base_year)
    last_year = financial_year(hypothesis.trajectory[-1].date)
    if last_year + persistence_years - base_year > MAX_HORIZON:
        raise InvalidInput(
            f"benefits would run more than {MAX_HORIZON} years past the base year",
            "persistence_years",
        )
    years = np.arange(first_year, last_year + 1)
    levels = trajectory_levels(hypothesis, [financial_year_end(int(year)) for year in years])
    sign = 1.0 if hypothesis.indicator.direction is Direction.INCREASE else -1.0
    improvements = sign * (levels - baseline_value)

    flows = [
        _flow(
            int(year), float(level), float(improvement), value_per_unit * weight, net_share, False
        )
        for year, level, improvement in zip(years, levels, improvements, strict=True)
    ]
    last_level, last_improvement = float(levels[-1]), float(improvements[-1])
    flows += [
        _flow(
            last_year + n,
            last_level,
            last_improvement * float(decay[n]),
            value_per_unit * weight,
            net_share,
            True,
        )
        for n in range(1, persistence_years + 1)
    ]
    return HypothesisBenefits(
        source=source,
        benefit_type=monetisation.benefit_type,
        value_per_unit=value_per_unit,
        confidence_weight=weight,
        additionality=additionality,
        flows=tuple(flows),
        inputs=inputs,
    )


def require_trajectory(hypothesis: SuccessHypothesis, field: str = "hypothesis") -> float:
    """Check the baseline and the trajectory (at least one point, finite values, dates after
    the baseline in increasing order); the baseline value."""
    baseline_value = require_finite(hypothesis.baseline.value, f"{field}.baseline.value")
    if not hypothesis.trajectory:
        raise InvalidInput(
            "a hypothesis needs at least one trajectory point", f"{field}.trajectory"
        )
    previous_date = hypothesis.baseline.date
    for index, point in enumerate(hypothesis.trajectory):
        point_field = f"{field}.trajectory[{index}]"
        require_finite(point.value, f"{point_field}.value")
        if point.date <= previous_date:
            raise InvalidInput(
                "trajectory dates must be after the baseline and in increasing order",
                f"{point_field}.date",
            )
        previous_date = point.date
    return baseline_value


def trajectory_levels(
    hypothesis: SuccessHypothesis, dates: Sequence[dt.date]
) -> npt.NDArray[np.float64]:
    """The indicator's predicted level on each date: linear between the baseline and the
    trajectory's dated targets, the baseline before it, held at the last target after it."""
    baseline, trajectory = hypothesis.baseline, hypothesis.trajectory
    return np.interp(
        [date.toordinal() for date in dates],
        [baseline.date.toordinal(), *(point.date.toordinal() for point in trajectory)],
        [baseline.value, *(point.value for point in trajectory)],
    )


def _flow(
    year: int, level: float, improvement: float, value: float, net_share: float, persisting: bool
) -> HypothesisBenefitFlow:
    gross = improvement * value
    return HypothesisBenefitFlow(year, level, improvement, gross, gross * net_share, persisting)


def benefit_lines_from_hypotheses(
    hypotheses: Mapping[str, SuccessHypothesis],
    settings: AppraisalSettings,
    *,
    persistence_years: int = 0,
    uncertainties: Mapping[str, HypothesisUncertainty] | None = None,
) -> tuple[BenefitLine, ...]:
    """Benefit lines for a bid's monetised hypotheses, keyed by the label each line carries.

    Hypotheses without monetisation claim no pounds and are left out. Confidence weighting
    follows the round's settings; `uncertainties` (by label) make a hypothesis's inputs
    uncertain (an uncertain confidence needs confidence weighting).
    """
    distributions = uncertainties or {}
    return tuple(
        benefits_from_hypothesis(
            hypothesis,
            source=source,
            base_year=settings.base_year,
            persistence_years=persistence_years,
            confidence_weighted=settings.confidence_weighted,
            uncertainty=distributions.get(source),
            field=f"hypotheses[{index}]",
        ).benefit_line()
        for index, (source, hypothesis) in enumerate(hypotheses.items())
        if hypothesis.monetisation is not None
    )
