"""Turning API shapes (and the documents stored from them) into domain objects and back."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.schemas import appraisals as api
from app.schemas import distributions as dists
from app.schemas import portfolio as portfolio_api
from app.schemas.bids import CostLine as BidCostLineIn
from app.schemas.hypotheses import AdditionalityIn, HypothesisCreate
from app.schemas.logic_models import (
    EdgeIn,
    EdgeRefOut,
    FindingOut,
    FindingsOut,
    LogicModelIn,
    NodeIn,
    QualityOut,
    QualityTermOut,
)
from app.schemas.rounds import CriterionIn
from bpv.appraisal import (
    AppraisalSettings,
    BenefitLine,
    BidAppraisalSettings,
    BidCostLine,
    CostKind,
    CostLine,
    DiscountSchedule,
    Distribution,
    Flow,
    HypothesisUncertainty,
    MonteCarloSettings,
    Normal,
    OptimismBias,
    Pert,
    RiskArea,
    RoundMonteCarlo,
    ScheduleKind,
    Triangular,
    Uniform,
)
from bpv.errors import InvalidInput
from bpv.hypotheses import (
    Additionality,
    Baseline,
    Monetisation,
    SuccessHypothesis,
    TrajectoryPoint,
)
from bpv.logic_model import (
    Edge,
    Evidence,
    Finding,
    Indicator,
    LogicModel,
    Node,
    Quality,
    QualityWeights,
)
from bpv.portfolio import (
    BindingConstraint,
    Budget,
    ConflictItem,
    FrontierPoint,
    GreedyComparison,
    MarginalValue,
    Option,
    OptionReason,
    PortfolioAnswer,
    PortfolioProblem,
    ReasonCode,
    ShareDimension,
    ShareLimit,
    SolverInfo,
    SolveSettings,
    Status,
)
from bpv.scoring import (
    BcrBand,
    CriteriaFramework,
    Criterion,
    CriterionSource,
    Scale,
    ValueSettings,
)


def logic_model(doc: LogicModelIn | Mapping[str, Any]) -> LogicModel:
    model = doc if isinstance(doc, LogicModelIn) else LogicModelIn.model_validate(doc)
    return LogicModel.of([_node(n) for n in model.nodes], [_edge(e) for e in model.edges])


def _node(node: NodeIn) -> Node:
    return Node(
        key=node.key,
        kind=node.kind,
        label=node.label,
        term=node.term,
        description=node.description,
        owner=node.owner,
        indicators=tuple(Indicator(i.name, i.unit, i.direction) for i in node.indicators),
    )


def _edge(edge: EdgeIn) -> Edge:
    return Edge(
        source=edge.source,
        target=edge.target,
        rationale=edge.rationale,
        assumptions=edge.assumptions,
        evidence=Evidence(edge.evidence.source, edge.evidence.grade) if edge.evidence else None,
        confidence=edge.confidence,
    )


def hypothesis(doc: HypothesisCreate | Mapping[str, Any]) -> SuccessHypothesis:
    h = doc if isinstance(doc, HypothesisCreate) else HypothesisCreate.model_validate(doc)
    return SuccessHypothesis(
        indicator=Indicator(h.indicator.name, h.indicator.unit, h.indicator.direction),
        baseline=Baseline(h.baseline.value, h.baseline.date),
        trajectory=tuple(TrajectoryPoint(p.date, p.value) for p in h.trajectory),
        rationale=h.rationale,
        evidence=Evidence(h.evidence.source, h.evidence.grade),
        confidence=h.confidence,
        edge=(h.edge.source, h.edge.target) if h.edge else None,
        path=tuple(h.path) if h.path is not None else None,
        monetisation=(
            Monetisation(h.monetisation.value_per_unit, h.monetisation.benefit_type)
            if h.monetisation
            else None
        ),
        additionality=(
            Additionality(
                deadweight=h.additionality.deadweight,
                displacement=h.additionality.displacement,
                attribution=h.additionality.attribution,
                drop_off=h.additionality.drop_off,
            )
            if h.additionality
            else None
        ),
    )


def hypothesis_uncertainty(doc: HypothesisCreate) -> HypothesisUncertainty:
    """The distributions a hypothesis gives its inputs, each in the input's own units."""
    shares = doc.additionality or AdditionalityIn()
    return HypothesisUncertainty(
        confidence=_distribution(doc.confidence_uncertainty),
        value_per_unit=_distribution(
            doc.monetisation.value_per_unit_uncertainty if doc.monetisation else None
        ),
        deadweight=_distribution(shares.deadweight_uncertainty),
        displacement=_distribution(shares.displacement_uncertainty),
        attribution=_distribution(shares.attribution_uncertainty),
    )


def quality_weights(weights: api.QualityWeightsIn) -> QualityWeights:
    return QualityWeights(**weights.by_term())


def finding_out(finding: Finding) -> FindingOut:
    return FindingOut(
        code=finding.code,
        severity=finding.severity,
        message=finding.message,
        nodes=list(finding.nodes),
        edges=[EdgeRefOut(source=s, target=t) for s, t in finding.edges],
    )


def findings_out(findings: Iterable[Finding], quality: Quality) -> FindingsOut:
    return FindingsOut(
        findings=[finding_out(f) for f in findings],
        quality=QualityOut(
            score=quality.score,
            terms=[
                QualityTermOut(name=t.name, value=t.value, detail=t.detail) for t in quality.terms
            ],
        ),
    )


# Appraisal: request shapes to domain objects, and the domain's appraisal back to the API.


def discount_schedule(discounting: api.Discounting) -> DiscountSchedule:
    """The schedule a request names; the domain checks a flat schedule has its rate."""
    return DiscountSchedule(ScheduleKind(discounting.schedule), discounting.rate)


def distribution(
    spec: dists.Triangular | dists.Pert | dists.Normal | dists.Uniform,
) -> Distribution:
    match spec:
        case dists.Triangular():
            return Triangular(spec.low, spec.mode, spec.high)
        case dists.Pert():
            return Pert(spec.low, spec.mode, spec.high, spec.shape)
        case dists.Normal():
            return Normal(spec.mean, spec.sd)
        case dists.Uniform():
            return Uniform(spec.low, spec.high)


def _distribution(
    spec: dists.Triangular | dists.Pert | dists.Normal | dists.Uniform | None,
) -> Distribution | None:
    return None if spec is None else distribution(spec)


def optimism_bias(
    spec: float | api.OptimismBiasGrade | api.OptimismBiasMitigated | None,
) -> OptimismBias | float | None:
    match spec:
        case api.OptimismBiasGrade():
            return OptimismBias.from_grade(spec.grade)
        case api.OptimismBiasMitigated():
            areas = [RiskArea(a.name, a.contribution, a.mitigation) for a in spec.risk_areas]
            return OptimismBias.mitigated(spec.upper_bound, areas)
    return spec


def cost_line(line: api.CostLineIn) -> CostLine:
    return CostLine(
        name=line.name,
        kind=CostKind(line.kind),
        flows=tuple(Flow(f.year, f.amount) for f in line.flows),
        optimism_bias=optimism_bias(line.optimism_bias),
        uncertainty=_distribution(line.uncertainty),
    )


def benefit_line(line: api.BenefitLineIn) -> BenefitLine:
    return BenefitLine(
        name=line.name,
        type=line.type,
        flows=tuple(Flow(f.year, f.amount) for f in line.flows),
        deadweight=line.deadweight,
        displacement=line.displacement,
        attribution=line.attribution,
        drop_off=line.drop_off,
        optimism_bias=optimism_bias(line.optimism_bias),
        uncertainty=_distribution(line.uncertainty),
    )


def monte_carlo(spec: api.MonteCarloIn | None) -> MonteCarloSettings | None:
    return None if spec is None else MonteCarloSettings(spec.samples, spec.seed)


def preview_settings(request: api.AppraisalRequest, base_year: int) -> AppraisalSettings:
    return AppraisalSettings(
        base_year=base_year,
        discounting=discount_schedule(request.discounting),
        value_per_qaly=request.value_per_qaly,
        optimism_bias_table=request.optimism_bias_table,
        benefit_optimism_bias=request.benefit_optimism_bias,
        benefit_optimism_bias_table=request.benefit_optimism_bias_table,
        value_per_qaly_uncertainty=_distribution(request.value_per_qaly_uncertainty),
    )


# A bid and its round's settings, as stored, to the domain's bid appraisal


def bid_cost_line(line: BidCostLineIn) -> BidCostLine:
    return BidCostLine(
        name=line.name,
        kind=line.kind,
        flows=tuple(Flow(f.year, f.amount) for f in line.flows),
        optimism_bias=optimism_bias(line.optimism_bias),
        confidence_grade=None if line.confidence_grade is None else str(line.confidence_grade),
        uncertainty=_distribution(line.uncertainty),
    )


def bid_appraisal_settings(settings: api.RoundSettings) -> BidAppraisalSettings:
    spec = settings.monte_carlo
    return BidAppraisalSettings(
        base_year=settings.base_year,
        discounting=discount_schedule(settings.discounting),
        value_per_qaly=settings.value_per_qaly,
        value_per_qaly_uncertainty=_distribution(settings.value_per_qaly_uncertainty),
        optimism_bias_table={str(k): v for k, v in settings.optimism_bias_table.items()},
        benefit_optimism_bias=settings.benefit_optimism_bias,
        confidence_weighted=settings.confidence_weighted,
        persistence_years=settings.persistence_years,
        monte_carlo=(
            None
            if spec is None
            else RoundMonteCarlo(
                samples=spec.samples,
                seed=spec.seed,
                cost_uncertainty=_distribution(spec.cost_uncertainty),
                benefit_uncertainty=_distribution(spec.benefit_uncertainty),
            )
        ),
    )


# Criteria frameworks and value settings


def criteria_framework(criteria: Sequence[CriterionIn], version: int) -> CriteriaFramework:
    """The framework, checked by the domain: weights summing to 1, known measures, scales."""
    for index, criterion in enumerate(criteria):
        if criterion.source is CriterionSource.ASSESSOR and criterion.measure is not None:
            raise InvalidInput(
                "only a computed criterion names a measure", f"criteria[{index}].measure"
            )
    return CriteriaFramework(
        version=str(version),
        criteria=tuple(
            Criterion(
                key=c.key,
                name=c.name,
                weight=c.weight,
                scale=Scale(c.scale.min, c.scale.max),
                source=c.source,
                measure=c.measure,
            )
            for c in criteria
        ),
    )


def value_settings(value: api.ValueSettingsIn, field: str = "settings.value") -> ValueSettings:
    settings = ValueSettings(
        quality_weight=value.quality_weight,
        return_weight=value.return_weight,
        return_measure=value.return_measure,
        bcr_bands=tuple(
            BcrBand(
                band.name,
                -math.inf if band.lower is None else band.lower,
                band.value,
                band.lower_inclusive,
            )
            for band in value.bcr_bands
        ),
        bcr_cap=value.bcr_cap,
        roi_cap=value.roi_cap,
        npsv_per_pound_cap=value.npsv_per_pound_cap,
        return_scaling=value.return_scaling,
    )
    # A missing lower bound after the first band becomes -inf, which the domain refuses by name.
    settings.validate(field)
    return settings


# Portfolio selection: a request to the domain's problem, and problems and answers to and from
# the documents a stored run keeps (years as JSON object keys, "2017").


def portfolio_problem(request: portfolio_api.OptimiseRequest) -> PortfolioProblem:
    """`POST /v1/portfolio/optimise`: the request's options, budget and limits."""
    return PortfolioProblem(
        options=tuple(_portfolio_option(option) for option in request.options),
        budget=Budget(request.budget.total, _years(request.budget.by_year)),
        shares=share_limits(request.shares),
        settings=SolveSettings(
            gap_tolerance=request.gap_tolerance,
            time_limit=request.time_limit,
            explain=request.explain,
        ),
    )


def _portfolio_option(option: portfolio_api.OptionIn) -> Option:
    return Option(
        id=option.id,
        value=option.value,
        cost=option.cost if isinstance(option.cost, float | int) else _years(option.cost),
        group=option.group,
        requires=tuple(option.requires),
        mandatory=option.mandatory,
        excluded=option.excluded,
        programme_area=option.programme_area,
        footprint=option.footprint,
    )


def share_limits(shares: Iterable[portfolio_api.ShareIn]) -> tuple[ShareLimit, ...]:
    return tuple(
        ShareLimit(share.dimension, share.key, share.min_share, share.max_share) for share in shares
    )


def _years(amounts: Mapping[str, float]) -> dict[int, float]:
    return {int(year): float(amount) for year, amount in amounts.items()}


def _year_keys(amounts: Mapping[int, float]) -> dict[str, float]:
    return {str(year): amount for year, amount in sorted(amounts.items())}


def problem_document(problem: PortfolioProblem) -> dict[str, Any]:
    """Everything the problem is, as JSON: `problem_from_document` gives it back whole."""
    settings = problem.settings
    return {
        "options": [
            {
                "id": o.id,
                "value": o.value,
                "cost": _year_keys(o.cost) if isinstance(o.cost, Mapping) else o.cost,
                "group": o.group,
                "requires": list(o.requires),
                "mandatory": o.mandatory,
                "excluded": o.excluded,
                "programme_area": o.programme_area,
                "footprint": o.footprint,
            }
            for o in problem.options
        ],
        "budget": {"total": problem.budget.total, "by_year": _year_keys(problem.budget.by_year)},
        "shares": [
            {
                "dimension": str(share.dimension),
                "key": share.key,
                "min_share": share.min_share,
                "max_share": share.max_share,
            }
            for share in problem.shares
        ],
        "required_groups": list(problem.required_groups),
        "settings": {
            "gap_tolerance": settings.gap_tolerance,
            "time_limit": settings.time_limit,
            "explain": settings.explain,
            "frontier": list(settings.frontier),
            "near_line": settings.near_line,
            "marginal_step": settings.marginal_step,
        },
    }


def problem_from_document(doc: Mapping[str, Any]) -> PortfolioProblem:
    settings = doc["settings"]
    return PortfolioProblem(
        options=tuple(
            Option(
                id=o["id"],
                value=o["value"],
                cost=_years(o["cost"]) if isinstance(o["cost"], Mapping) else o["cost"],
                group=o["group"],
                requires=tuple(o["requires"]),
                mandatory=o["mandatory"],
                excluded=o["excluded"],
                programme_area=o["programme_area"],
                footprint=o["footprint"],
            )
            for o in doc["options"]
        ),
        budget=Budget(doc["budget"]["total"], _years(doc["budget"]["by_year"])),
        shares=tuple(
            ShareLimit(ShareDimension(s["dimension"]), s["key"], s["min_share"], s["max_share"])
            for s in doc["shares"]
        ),
        settings=SolveSettings(
            gap_tolerance=settings["gap_tolerance"],
            time_limit=settings["time_limit"],
            explain=settings["explain"],
            frontier=tuple(settings["frontier"]),
            near_line=settings["near_line"],
            marginal_step=settings["marginal_step"],
        ),
        required_groups=tuple(doc["required_groups"]),
    )


def _status(value: str | None) -> Status | None:
    return None if value is None else Status(value)


def answer_document(answer: PortfolioAnswer) -> dict[str, Any]:
    """The answer as JSON, every figure as the domain gave it."""
    greedy, solver = answer.greedy, answer.solver
    return {
        "status": str(answer.status),
        "selected": list(answer.selected),
        "total_value": answer.total_value,
        "total_cost": answer.total_cost,
        "cost_by_year": _year_keys(answer.cost_by_year),
        "gap": answer.gap,
        "gap_tolerance": answer.gap_tolerance,
        "envelope": answer.envelope,
        "funding_line": answer.funding_line,
        "binding": [
            {"name": b.name, "kind": b.kind, "slack": b.slack, "year": b.year}
            for b in answer.binding
        ],
        "marginal_values": [
            {
                "year": m.year,
                "step": m.step,
                "value_gained": m.value_gained,
                "status": str(m.status),
            }
            for m in answer.marginal_values
        ],
        "frontier": [
            {
                "share": p.share,
                "envelope": p.envelope,
                "value": p.value,
                "status": str(p.status),
                "total_cost": p.total_cost,
            }
            for p in answer.frontier
        ],
        "reasons": [
            {
                "option_id": r.option_id,
                "selected": r.selected,
                "reason": str(r.reason),
                "detail": r.detail,
                "value_per_pound": r.value_per_pound,
                "value_if_flipped": r.value_if_flipped,
                "flip_status": None if r.flip_status is None else str(r.flip_status),
            }
            for r in answer.reasons
        ],
        "greedy": {
            "selected": list(greedy.selected),
            "total_value": greedy.total_value,
            "total_cost": greedy.total_cost,
            "optimum_gain": greedy.optimum_gain,
            "feasible": greedy.feasible,
        },
        "conflict": [
            {
                "name": c.name,
                "kind": c.kind,
                "detail": c.detail,
                "option_ids": list(c.option_ids),
                "year": c.year,
            }
            for c in answer.conflict
        ],
        "conflict_minimal": answer.conflict_minimal,
        "solver": {
            "name": solver.name,
            "version": solver.version,
            "time_limit": solver.time_limit,
            "elapsed_seconds": solver.elapsed_seconds,
            "stopped_from_outside": solver.stopped_from_outside,
            "explanations_complete": solver.explanations_complete,
            "best_found_by": solver.best_found_by,
        },
    }


def answer_from_document(doc: Mapping[str, Any]) -> PortfolioAnswer:
    greedy, solver = doc["greedy"], doc["solver"]
    return PortfolioAnswer(
        status=Status(doc["status"]),
        selected=tuple(doc["selected"]),
        total_value=doc["total_value"],
        total_cost=doc["total_cost"],
        cost_by_year=_years(doc["cost_by_year"]),
        gap=doc["gap"],
        gap_tolerance=doc["gap_tolerance"],
        envelope=doc["envelope"],
        funding_line=doc["funding_line"],
        binding=tuple(
            BindingConstraint(b["name"], b["kind"], b["slack"], b["year"]) for b in doc["binding"]
        ),
        marginal_values=tuple(
            MarginalValue(m["year"], m["step"], m["value_gained"], Status(m["status"]))
            for m in doc["marginal_values"]
        ),
        frontier=tuple(
            FrontierPoint(
                p["share"], p["envelope"], p["value"], Status(p["status"]), p["total_cost"]
            )
            for p in doc["frontier"]
        ),
        reasons=tuple(
            OptionReason(
                option_id=r["option_id"],
                selected=r["selected"],
                reason=ReasonCode(r["reason"]),
                detail=r["detail"],
                value_per_pound=r["value_per_pound"],
                value_if_flipped=r["value_if_flipped"],
                flip_status=_status(r["flip_status"]),
            )
            for r in doc["reasons"]
        ),
        greedy=GreedyComparison(
            selected=tuple(greedy["selected"]),
            total_value=greedy["total_value"],
            total_cost=greedy["total_cost"],
            optimum_gain=greedy["optimum_gain"],
            feasible=greedy["feasible"],
        ),
        conflict=tuple(
            ConflictItem(c["kind"], c["detail"], tuple(c["option_ids"]), c["year"], c["name"])
            for c in doc["conflict"]
        ),
        conflict_minimal=doc["conflict_minimal"],
        solver=SolverInfo(
            name=solver["name"],
            version=solver["version"],
            time_limit=solver["time_limit"],
            elapsed_seconds=solver["elapsed_seconds"],
            stopped_from_outside=solver["stopped_from_outside"],
            explanations_complete=solver["explanations_complete"],
            best_found_by=solver["best_found_by"],
        ),
    )
