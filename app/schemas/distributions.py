"""Distributions an uncertain input may carry, as the API writes them (SPEC 4.5)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from app.schemas.common import Schema

Multiplier = Annotated[float, Strict(), Field(ge=-1000, le=1000)]


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
    sd: Annotated[float, Strict(), Field(ge=0, le=1000)]


class Uniform(Schema):
    kind: Literal["uniform"]
    low: Multiplier
    high: Multiplier


Uncertainty = Annotated[
    Triangular | Pert | Normal | Uniform,
    Field(
        discriminator="kind",
        description="A multiplier on every flow of the line (1 is the flows as given), or on a "
        "hypothesis the confidence itself. Deterministic figures use the value as given; Monte "
        "Carlo samples it.",
    ),
]
