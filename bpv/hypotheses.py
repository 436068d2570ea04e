"""Success hypotheses: testable claims that an indicator moves along a logic-model edge or path.

Their checks against a logic model are in `bpv.hypothesis_checks`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bpv.logic_model import EdgeRef, Evidence, Indicator


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
