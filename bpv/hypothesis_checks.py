"""Success hypotheses checked against their logic model: refused when detached, else findings.

A hypothesis that is not on an edge or path of the model is refused when it is posted, and is an
error finding once a replaced model no longer carries it; one that the model carries may still
earn warnings (an indicator its target node does not declare, a trajectory moving the wrong way).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import pairwise

from bpv.errors import InvalidInput, InvalidLogicModel
from bpv.hypotheses import SuccessHypothesis
from bpv.logic_model import Direction, EdgeRef, Finding, LogicModel, Severity, in_order


def bid_findings(
    model: LogicModel, hypotheses: Sequence[SuccessHypothesis] = ()
) -> tuple[Finding, ...]:
    """The model's own findings and those of `hypotheses` on it, in one order (see `in_order`)."""
    return in_order([*model.findings(), *hypothesis_findings(model, hypotheses)])


def hypothesis_findings(
    model: LogicModel, hypotheses: Iterable[SuccessHypothesis]
) -> tuple[Finding, ...]:
    """Findings on each hypothesis against `model`, in the order of the hypotheses.

    Error hypothesis_on_missing_edge: the model no longer carries it (a hypothesis stored earlier
    loses its edge when the logic model is later replaced). Warnings, on a hypothesis the model
    carries: indicator_not_on_target (its indicator is not one its target node declares) and
    trajectory_against_direction (a step of its trajectory moves against the indicator's
    direction of improvement).
    """
    found: list[Finding] = []
    for hypothesis in hypotheses:
        detached = _detachment(model, hypothesis)
        if detached is not None:
            found.append(
                Finding(
                    "hypothesis_on_missing_edge",
                    Severity.ERROR,
                    detached.message,
                    detached.nodes,
                    detached.edges,
                )
            )
        else:
            found.extend(_indicator_findings(model, hypothesis))
            found.extend(_trajectory_findings(hypothesis))
    return tuple(found)


def check_hypothesis(model: LogicModel, hypothesis: SuccessHypothesis) -> None:
    """Raise InvalidInput naming the field if `hypothesis` is not a testable claim on `model`.

    It must be attached to exactly one of an edge or a path of the model (InvalidLogicModel, field
    "edge" or "path"); have a non-empty trajectory of finite values whose dates increase strictly
    and all fall after the baseline date ("trajectory"); a confidence in [0, 1] ("confidence"); and
    additionality fractions in [0, 1] ("additionality.deadweight", ...).
    """
    detached = _detachment(model, hypothesis)
    if detached is not None:
        raise InvalidLogicModel(detached.message, detached.field)

    _check_finite(hypothesis.baseline.value, "baseline.value", "The baseline value")
    if not hypothesis.trajectory:
        raise InvalidInput(
            "The trajectory needs at least one dated target, or the hypothesis cannot be tested",
            "trajectory",
        )
    baseline_date = hypothesis.baseline.date
    for point in hypothesis.trajectory:
        _check_finite(point.value, "trajectory", f"The trajectory value on {point.date}")
        if point.date <= baseline_date:
            raise InvalidInput(
                f"Trajectory date {point.date} is not after the baseline date {baseline_date}",
                "trajectory",
            )
    for earlier, later in pairwise(hypothesis.trajectory):
        if later.date <= earlier.date:
            raise InvalidInput(
                f"Trajectory dates must increase: {later.date} comes after {earlier.date}",
                "trajectory",
            )

    _check_fraction(hypothesis.confidence, "confidence", "The confidence")
    if hypothesis.monetisation is not None:
        _check_finite(
            hypothesis.monetisation.value_per_unit,
            "monetisation.value_per_unit",
            "The value per unit",
        )
    if hypothesis.additionality is not None:
        for spec in fields(hypothesis.additionality):
            name = spec.name
            _check_fraction(
                getattr(hypothesis.additionality, name),
                f"additionality.{name}",
                f"Additionality {name.replace('_', '-')}",
            )


@dataclass(frozen=True)
class _Detachment:
    """Why a hypothesis is not attached to the model, in a form both an error and a finding use."""

    field: str
    message: str
    nodes: tuple[str, ...] = ()
    edges: tuple[EdgeRef, ...] = ()


def _claim(hypothesis: SuccessHypothesis) -> str:
    return f"The success hypothesis on '{hypothesis.indicator.name}'"


def _detachment(model: LogicModel, hypothesis: SuccessHypothesis) -> _Detachment | None:
    claim = _claim(hypothesis)
    edge, path = hypothesis.edge, hypothesis.path
    if (edge is None) == (path is None):
        given = "both" if edge is not None else "neither"
        return _Detachment(
            "edge", f"{claim} must be attached to an edge or to a path; it gives {given}"
        )
    if edge is not None:
        if model.has_edge(*edge):
            return None
        return _Detachment(
            "edge",
            f"{claim} is attached to edge '{edge[0]}' → '{edge[1]}', "
            "which is not an edge of the logic model",
            edges=(edge,),
        )
    assert path is not None  # exactly one of edge and path is set
    problem = model.path_problem(path)
    if problem is None:
        return None
    return _Detachment(
        "path",
        f"{claim} follows a path that is not in the logic model: {problem}",
        nodes=tuple(path),
        edges=tuple(pair for pair in pairwise(path) if not model.has_edge(*pair)),
    )


def _attachment(hypothesis: SuccessHypothesis) -> tuple[tuple[str, ...], tuple[EdgeRef, ...]]:
    """The node keys and edges an attached hypothesis runs along, in order."""
    if hypothesis.edge is not None:
        return hypothesis.edge, (hypothesis.edge,)
    assert hypothesis.path is not None
    return tuple(hypothesis.path), tuple(pairwise(hypothesis.path))


def _indicator_findings(model: LogicModel, hypothesis: SuccessHypothesis) -> Iterator[Finding]:
    nodes, edges = _attachment(hypothesis)
    target = model.node(nodes[-1])
    assert target is not None  # an attached hypothesis ends on a node of the model
    if hypothesis.indicator in target.indicators:
        return
    indicator = hypothesis.indicator
    same_name = [i for i in target.indicators if i.name == indicator.name]
    if same_name:
        declared = same_name[0]
        why = (
            f"which declares '{declared.name}' in {declared.unit} to {declared.direction.value}, "
            f"not in {indicator.unit} to {indicator.direction.value}"
        )
    elif target.indicators:
        names = ", ".join(f"'{i.name}'" for i in target.indicators)
        why = f"which declares {names} but not this one"
    else:
        why = "which declares no indicator"
    yield Finding(
        "indicator_not_on_target",
        Severity.WARNING,
        f"{_claim(hypothesis)} ends on node '{target.key}', {why}, so what the hypothesis "
        "measures is not what the logic model says that node changes",
        (target.key,),
        edges,
    )


def _trajectory_findings(hypothesis: SuccessHypothesis) -> Iterator[Finding]:
    indicator = hypothesis.indicator
    sign = 1.0 if indicator.direction is Direction.INCREASE else -1.0
    points = [(hypothesis.baseline.date, hypothesis.baseline.value)]
    points += [(point.date, point.value) for point in hypothesis.trajectory]
    for (start, before), (end, after) in pairwise(points):
        if sign * (after - before) < 0:
            nodes, edges = _attachment(hypothesis)
            moves = "falls" if after < before else "rises"
            yield Finding(
                "trajectory_against_direction",
                Severity.WARNING,
                f"{_claim(hypothesis)} aims to {indicator.direction.value} it, yet its "
                f"trajectory {moves} from {before:g} on {start} to {after:g} on {end}",
                nodes,
                edges,
            )
            return  # one finding per hypothesis: its first wrong step


def _check_fraction(value: float, field: str, what: str) -> None:
    # Written as a range test so that NaN fails it too.
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(f"{what} must be a fraction between 0 and 1, not {value}", field)


def _check_finite(value: float, field: str, what: str) -> None:
    if not math.isfinite(value):
        raise InvalidInput(f"{what} must be a finite number, not {value}", field)
