"""The appraisal of one proposal: its lines discounted, adjusted, measured and stress-tested."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bpv.appraisal.additionality import additionality_factor
from bpv.appraisal.appraisal import (
    METHOD_VERSION,
    Appraisal,
    AppraisalSettings,
    DiscountFactor,
    LineAppraisal,
    YearRow,
)
from bpv.appraisal.inputs import SHARES_TAKEN_AWAY, InputKind, UncertainInput
from bpv.appraisal.lines import BenefitLine, CostLine, LineRole, checked_flows
from bpv.appraisal.measures import measures_of
from bpv.appraisal.optimism_bias import resolve_optimism_bias
from bpv.appraisal.uncertainty import (
    BoundInput,
    LineValue,
    MonteCarloSettings,
    check_sample_budget,
    input_summaries,
    simulate,
    switching_values,
    tornado,
)
from bpv.appraisal.validation import (
    first_non_finite,
    require_fraction,
    require_int,
    require_non_negative,
)
from bpv.errors import InvalidInput
from bpv.hypotheses import BenefitType

FloatArray = npt.NDArray[np.float64]


def _checked_lines(
    lines: Sequence[CostLine | BenefitLine],
    base_year: int,
    field_name: str,
    *,
    non_negative: bool,
) -> list[list[tuple[int, float]]]:
    """Each line's checked (t, amount) flows."""
    return [
        checked_flows(
            line.flows, base_year, f"{field_name}[{index}].flows", non_negative=non_negative
        )
        for index, line in enumerate(lines)
    ]


def _first_nonzero(amounts: FloatArray) -> FloatArray:
    """Per row, the first t with a non-zero amount (0 for an all-zero row).

    Zero flows must change nothing, so they neither start a line's drop-off nor the scan
    for the payback year.
    """
    first: FloatArray = np.argmax(amounts != 0.0, axis=1).astype(np.float64)
    return first


def _by_year(checked: list[list[tuple[int, float]]], horizon: int) -> FloatArray:
    matrix = np.zeros((len(checked), horizon + 1))
    for row, flows in enumerate(checked):
        for t, amount in flows:
            matrix[row, t] = amount
    return matrix


def uncertain_inputs(
    costs: Sequence[CostLine], benefits: Sequence[BenefitLine], settings: AppraisalSettings
) -> list[tuple[str, BoundInput]]:
    """Every uncertain input with the lines it scales, labelled by the field that gives it.

    In drawing order: the cost lines' flows, then each benefit line's flows and other inputs,
    then the value of a QALY (only when some line counts QALYs).
    """
    bound: list[tuple[str, BoundInput]] = []
    for index, cost in enumerate(costs):
        if cost.uncertainty is not None:
            flows = UncertainInput(InputKind.FLOWS, 1.0, cost.uncertainty)
            bound.append(
                (
                    f"costs[{index}].uncertainty",
                    BoundInput(flows, cost.name, LineRole.COST, (index,)),
                )
            )
    for index, benefit in enumerate(benefits):
        at = (len(costs) + index,)
        if benefit.uncertainty is not None:
            flows = UncertainInput(InputKind.FLOWS, 1.0, benefit.uncertainty)
            bound.append(
                (
                    f"benefits[{index}].uncertainty",
                    BoundInput(flows, benefit.name, LineRole.BENEFIT, at),
                )
            )
        for given in benefit.inputs:
            label = f"benefits[{index}].{given.kind}_uncertainty"
            if given.kind is InputKind.FLOWS or given.kind is InputKind.VALUE_PER_QALY:
                raise InvalidInput(f"a line's {given.kind} distribution goes elsewhere", label)
            if given.kind in SHARES_TAKEN_AWAY and given.point != getattr(benefit, given.kind):
                raise InvalidInput(
                    f"the distribution's point {given.kind} must be the line's own", label
                )
            bound.append((label, BoundInput(given, benefit.name, LineRole.BENEFIT, at)))
    qaly_lines = tuple(
        len(costs) + index
        for index, benefit in enumerate(benefits)
        if benefit.type is BenefitType.QALY
    )
    if settings.value_per_qaly_uncertainty is not None and qaly_lines:
        value = UncertainInput(
            InputKind.VALUE_PER_QALY, settings.value_per_qaly, settings.value_per_qaly_uncertainty
        )
        bound.append(
            ("value_per_qaly_uncertainty", BoundInput(value, None, LineRole.BENEFIT, qaly_lines))
        )
    return bound


def appraise(
    costs: Sequence[CostLine],
    benefits: Sequence[BenefitLine],
    settings: AppraisalSettings,
    monte_carlo: MonteCarloSettings | None = None,
) -> Appraisal:
    """Appraise a proposal's cost and benefit lines under a round's settings (SPEC 4.1-4.5).

    Monte Carlo and the tornado run when `monte_carlo` is given or any input carries a
    distribution (then with the default samples and seed). Bad input raises `InvalidInput`
    naming the field as a client would, e.g. ``costs[0].flows[2].year``.
    """
    base_year = require_int(settings.base_year, "base_year")
    settings.discounting.validate("discounting")
    value_per_qaly = require_non_negative(settings.value_per_qaly, "value_per_qaly")
    for grade, fraction in settings.optimism_bias_table.items():
        require_non_negative(fraction, f"optimism_bias_table.{grade}")
    default_reduction = require_fraction(settings.benefit_optimism_bias, "benefit_optimism_bias")
    if not costs and not benefits:
        raise InvalidInput("an appraisal needs at least one cost or benefit line", "costs")
    if monte_carlo is not None:
        monte_carlo.validate("monte_carlo")

    cost_flows = _checked_lines(costs, base_year, "costs", non_negative=True)
    benefit_flows = _checked_lines(benefits, base_year, "benefits", non_negative=False)
    uplifts = np.array(
        [
            resolve_optimism_bias(
                line.optimism_bias, settings.optimism_bias_table, f"costs[{index}].optimism_bias"
            )
            for index, line in enumerate(costs)
        ]
    )
    for grade, fraction in settings.benefit_optimism_bias_table.items():
        require_fraction(fraction, f"benefit_optimism_bias_table.{grade}")
    reductions = np.array(
        [
            resolve_optimism_bias(
                line.optimism_bias,
                settings.benefit_optimism_bias_table,
                f"benefits[{index}].optimism_bias",
                default=default_reduction,
                at_most_one=True,
            )
            for index, line in enumerate(benefits)
        ]
    )
    additionality = np.array(
        [
            additionality_factor(
                line.deadweight, line.displacement, line.attribution, f"benefits[{index}]"
            )
            for index, line in enumerate(benefits)
        ]
    )
    drop_offs = np.array(
        [
            require_fraction(line.drop_off, f"benefits[{index}].drop_off")
            for index, line in enumerate(benefits)
        ]
    )
    if settings.value_per_qaly_uncertainty is not None:
        settings.value_per_qaly_uncertainty.validate("value_per_qaly_uncertainty")
    labelled = uncertain_inputs(costs, benefits, settings)
    for label, bound_input in labelled:
        bound_input.input.validate(label)
    inputs = [bound_input for _, bound_input in labelled]
    if monte_carlo is None and inputs:
        monte_carlo = MonteCarloSettings()
    if monte_carlo is not None:
        check_sample_budget(monte_carlo.samples, len(inputs), "monte_carlo.samples")

    horizon = max(t for flows in [*cost_flows, *benefit_flows] for t, _ in flows)
    years = np.arange(horizon + 1)
    factors = settings.discounting.factors(horizon)
    health_factors = settings.discounting.for_health().factors(horizon)

    cost_amounts = _by_year(cost_flows, horizon)
    cost_pv_as_given = cost_amounts @ factors
    uplifted_costs = cost_amounts * (1.0 + uplifts)[:, np.newaxis]

    is_qaly = np.array([line.type is BenefitType.QALY for line in benefits], dtype=bool)
    is_cash = np.array([line.type is BenefitType.CASH_RELEASING for line in benefits], dtype=bool)
    quantities = _by_year(benefit_flows, horizon)
    gross = quantities * np.where(is_qaly, value_per_qaly, 1.0)[:, np.newaxis]
    years_since_start = np.maximum(years - _first_nonzero(quantities)[:, np.newaxis], 0.0)
    net_share = additionality[:, np.newaxis] * (1.0 - drop_offs[:, np.newaxis]) ** years_since_start
    net = gross * net_share
    reduced = net * (1.0 - reductions)[:, np.newaxis]
    benefit_factors = np.where(is_qaly[:, np.newaxis], health_factors, factors)
    benefit_pv_gross = (gross * benefit_factors).sum(axis=1)
    benefit_pv_net = (net * benefit_factors).sum(axis=1)
    benefit_pv = (reduced * benefit_factors).sum(axis=1)

    any_flow = np.vstack([cost_amounts, quantities]).any(axis=0)
    first_t = int(np.argmax(any_flow))
    costs_before = cost_amounts.sum(axis=0)
    costs_after = uplifted_costs.sum(axis=0)
    benefits_before = net.sum(axis=0)
    benefits_after = reduced.sum(axis=0)
    discounted_benefits_before = (net * benefit_factors).sum(axis=0)
    discounted_benefits_after = (reduced * benefit_factors).sum(axis=0)
    before = measures_of(
        costs_before,
        benefits_before,
        costs_before * factors,
        discounted_benefits_before,
        float(benefit_pv_net[is_cash].sum()),
        base_year,
        first_t,
    )
    after = measures_of(
        costs_after,
        benefits_after,
        costs_after * factors,
        discounted_benefits_after,
        float(benefit_pv[is_cash].sum()),
        base_year,
        first_t,
    )

    qaly_quantities = quantities * net_share * (1.0 - reductions)[:, np.newaxis]
    qalys_by_line = qaly_quantities.sum(axis=1)
    discounted_qalys_by_line = qaly_quantities @ health_factors
    qalys_by_year = qaly_quantities[is_qaly].sum(axis=0)
    total_discounted_qalys = float(discounted_qalys_by_line[is_qaly].sum())

    line_values = [
        LineValue(line.name, LineRole.COST, float(pv))
        for line, pv in zip(costs, cost_pv_as_given * (1.0 + uplifts), strict=True)
    ] + [
        LineValue(line.name, LineRole.BENEFIT, float(pv))
        for line, pv in zip(benefits, benefit_pv, strict=True)
    ]
    line_appraisals = [
        LineAppraisal(
            name=line.name,
            role=LineRole.COST,
            kind=str(line.kind),
            source=None,
            pv_gross=float(pv_as_given),
            pv_before_optimism_bias=float(pv_as_given),
            pv=float(pv_as_given * (1.0 + uplift)),
            optimism_bias=float(uplift),
            additionality_factor=1.0,
            drop_off=0.0,
        )
        for line, pv_as_given, uplift in zip(costs, cost_pv_as_given, uplifts, strict=True)
    ] + [
        LineAppraisal(
            name=line.name,
            role=LineRole.BENEFIT,
            kind=str(line.type),
            source=line.source,
            pv_gross=float(benefit_pv_gross[index]),
            pv_before_optimism_bias=float(benefit_pv_net[index]),
            pv=float(benefit_pv[index]),
            optimism_bias=float(reductions[index]),
            additionality_factor=float(additionality[index]),
            drop_off=float(drop_offs[index]),
            qalys=float(qalys_by_line[index]) if is_qaly[index] else None,
            discounted_qalys=float(discounted_qalys_by_line[index]) if is_qaly[index] else None,
        )
        for index, line in enumerate(benefits)
    ]

    net_by_year = benefits_after - costs_after
    discounted_net = discounted_benefits_after - costs_after * factors
    cumulative = np.cumsum(discounted_net)
    year_rows = tuple(
        YearRow(
            year=base_year + t,
            t=t,
            discount_factor=float(factors[t]),
            health_discount_factor=float(health_factors[t]),
            costs_before_optimism_bias=float(costs_before[t]),
            costs=float(costs_after[t]),
            benefits_before_optimism_bias=float(benefits_before[t]),
            benefits=float(benefits_after[t]),
            qalys=float(qalys_by_year[t]),
            net=float(net_by_year[t]),
            discounted_net=float(discounted_net[t]),
            cumulative_discounted_net=float(cumulative[t]),
        )
        for t in range(horizon + 1)
    )

    value_per_qaly_switching = None
    if total_discounted_qalys != 0.0:
        switch = value_per_qaly - after.npsv / total_discounted_qalys
        value_per_qaly_switching = switch if switch >= 0.0 else None

    appraisal = Appraisal(
        method_version=METHOD_VERSION,
        settings=settings,
        measures=after,
        before_optimism_bias=before,
        pv_benefits_gross=float(benefit_pv_gross.sum()),
        qalys=float(qalys_by_year.sum()),
        discounted_qalys=total_discounted_qalys,
        lines=tuple(line_appraisals),
        years=year_rows,
        discount_factors=tuple(DiscountFactor(row.year, row.discount_factor) for row in year_rows),
        switching_values=switching_values(line_values),
        value_per_qaly_switching=value_per_qaly_switching,
        monte_carlo_settings=monte_carlo,
        monte_carlo=(
            None
            if monte_carlo is None
            else simulate(line_values, inputs, monte_carlo, after.npsv, after.bcr)
        ),
        tornado=tornado(line_values, inputs) if monte_carlo is not None else (),
        uncertain_inputs=input_summaries(line_values, inputs),
    )
    _require_finite_figures(appraisal)
    return appraisal


def _require_finite_figures(appraisal: Appraisal) -> None:
    """Refuse inputs whose figures overflow a float (a steeply negative rate over centuries, or
    ratios over vanishingly small costs): such figures have no meaning, nor a JSON form."""
    where = first_non_finite(appraisal)
    if where is None:
        return
    rate = appraisal.settings.discounting.rate
    raise InvalidInput(
        f"the figures overflow (at {where}); the amounts or the discount rate are too extreme "
        "to appraise",
        "discounting.rate" if rate is not None and rate < 0 else "costs",
    )
