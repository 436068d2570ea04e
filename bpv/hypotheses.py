"""Success hypotheses: testable claims that an indicator moves along a logic-model edge or path."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from itertools import pairwise

from bpv.errors import InvalidInput, InvalidLogicModel
from bpv.logic_model import EdgeRef, Evidence, Finding, Indicator, LogicModel, Severity


class BenefitType(StrEnum):
    CASH_RELEASING = "cash_releasing"
    NON_CASH_RELEASING = "non_cash_releasing"
    SOCIETAL = "societal"
    QALY = "qaly"


@dataclass(frozen=True)
class Baseline:
    value: float
    date: dt.date


@dataclass(frozen=True)
class TrajectoryPoint:
    date: dt.date
    value: float


@dataclass(frozen=True)
class Monetisation:
    value_per_unit: float
    benefit_type: BenefitType


@dataclass(frozen=True)
class Additionality:
    """Fractions in [0, 1]; net = gross x (1-deadweight) x (1-displacement) x (1-attribution)."""

    deadweight: float = 0.0
    displacement: float = 0.0
    attribution: float = 0.0
    drop_off: float = 0.0


@dataclass(frozen=True)
class SuccessHypothesis:
    """Attached to exactly one of `edge` or `path` (a sequence of node keys) of a logic model."""

    indicator: Indicator
    baseline: Baseline
    trajectory: tuple[TrajectoryPoint, ...]
    rationale: str
    evidence: Evidence
    confidence: float
    edge: EdgeRef | None = None
    path: tuple[str, ...] | None = None
    monetisation: Monetisation | None = None
    additionality: Additionality | None = None


@dataclass(frozen=True)
class _Detachment:
    """Why a hypothesis is not attached to the model, in a form both an error and a finding use."""

    field: str
    message: str
    nodes: tuple[str, ...] = ()
    edges: tuple[EdgeRef, ...] = ()


def _detachment(model: LogicModel, hypothesis: SuccessHypothesis) -> _Detachment | None:
    claim = f"The success hypothesis on '{hypothesis.indicator.name}'"
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


def hypothesis_findings(
    model: LogicModel, hypotheses: Iterable[SuccessHypothesis]
) -> tuple[Finding, ...]:
    """A `hypothesis_on_missing_edge` error for each hypothesis the model no longer supports.

    A hypothesis stored earlier loses its edge when the logic model is later replaced.
    """
    found = []
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
    return tuple(found)


def _check_fraction(value: float, field: str, what: str) -> None:
    # Written as a range test so that NaN fails it too.
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(f"{what} must be a fraction between 0 and 1, not {value}", field)


def _check_finite(value: float, field: str, what: str) -> None:
    if not math.isfinite(value):
        raise InvalidInput(f"{what} must be a finite number, not {value}", field)


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
