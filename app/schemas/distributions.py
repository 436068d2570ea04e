"""Distributions an uncertain input may carry, as the API writes them (SPEC 4.5)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from app.schemas.common import Schema
from bpv.appraisal import distributions as bpv
from bpv.appraisal.distributions import Distribution

Multiplier = Annotated[float, Strict(), Field(ge=-1e12, le=1e12)]
"""A multiplier on a line's flows, or an input in its own units (pounds per unit, a share)."""


class Triangular(Schema):
    kind: Literal["triangular"]
    low: Multiplier
    mode: Multiplier
    high: Multiplier


class Pert(Schema):
    kind: Literal["pert"]
    low: Multiplier
    mode: Multiplier
    high: Multiplier
    shape: Annotated[float, Strict(), Field(gt=0, le=1000)] = 4.0


class Normal(Schema):
    kind: Literal["normal"]
    mean: Multiplier
    sd: Annotated[float, Strict(), Field(ge=0, le=1e12)]


class Uniform(Schema):
    kind: Literal["uniform"]
    low: Multiplier
    high: Multiplier


Uncertainty = Annotated[
    Triangular | Pert | Normal | Uniform,
    Field(
        discriminator="kind",
        description="On a line, a multiplier on every flow (1 is the flows as given); on any "
        "other input, the input in its own units (a confidence, pounds per unit, a share, pounds "
        "per QALY). The point figures use the value as given, Monte Carlo draws it: centre the "
        "distribution on the given value (a mean or mode of 1 for a multiplier) or the two "
        "disagree.",
    ),
]


def uncertainty_of(distribution: Distribution) -> Triangular | Pert | Normal | Uniform:
    """The API form of a domain distribution."""
    match distribution:
        case bpv.Triangular():
            return Triangular(
                kind="triangular",
                low=distribution.low,
                mode=distribution.mode,
                high=distribution.high,
            )
        case bpv.Pert():
            return Pert(
                kind="pert",
                low=distribution.low,
                mode=distribution.mode,
                high=distribution.high,
                shape=distribution.shape,
            )
        case bpv.Normal():
            return Normal(kind="normal", mean=distribution.mean_value, sd=distribution.sd)
        case bpv.Uniform():
            return Uniform(kind="uniform", low=distribution.low, high=distribution.high)
