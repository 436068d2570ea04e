"""Uncertain inputs: a value the point appraisal takes as given and Monte Carlo draws instead.

A line's flows, a hypothesis's confidence, value per unit and additionality shares, and the
value of a QALY each enter the lines they bear on as a factor, so a draw scales those lines by
factor(draw) / factor(point): the input itself, or 1 - input for a share taken away.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from bpv.appraisal.distributions import Distribution
from bpv.appraisal.validation import require_finite
from bpv.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]


class InputKind(StrEnum):
    FLOWS = "flows"
    CONFIDENCE = "confidence"
    VALUE_PER_UNIT = "value_per_unit"
    DEADWEIGHT = "deadweight"
    DISPLACEMENT = "displacement"
    ATTRIBUTION = "attribution"
    VALUE_PER_QALY = "value_per_qaly"


SHARES_TAKEN_AWAY = frozenset({InputKind.DEADWEIGHT, InputKind.DISPLACEMENT, InputKind.ATTRIBUTION})
"""Inputs that enter as 1 - input: net = gross x (1 - deadweight) x ..."""


@dataclass(frozen=True)
class UncertainInput:
    """`point` is what the point appraisal uses; Monte Carlo draws from `distribution`.

    A line's flows have point 1 (the flows as given) and a multiplier distribution; every other
    input is in its own units (pounds per unit, a share, pounds per QALY).
    """

    kind: InputKind
    point: float
    distribution: Distribution

    @property
    def takes_away(self) -> bool:
        return self.kind in SHARES_TAKEN_AWAY

    def factor(self, value: float) -> float:
        return 1.0 - value if self.takes_away else value

    def factors(self, values: FloatArray) -> FloatArray:
        result: FloatArray = 1.0 - values if self.takes_away else values
        return result

    def value_at(self, factor: float) -> float:
        """The input's value whose factor is `factor` (the inverse of `factor`)."""
        return 1.0 - factor if self.takes_away else factor

    def validate(self, field: str) -> None:
        self.distribution.validate(field)
        point = require_finite(self.point, field)
        if self.factor(point) == 0.0:
            # The lines it bears on are worth nothing at the point, so no draw can scale them.
            what = "1" if self.takes_away else "0"
            raise InvalidInput(
                f"a distribution on {self.kind.replace('_', ' ')} needs a point value other "
                f"than {what}",
                field,
            )
        if self.takes_away:
            low, high = self.distribution.support()
            if low < 0.0 or high > 1.0:
                raise InvalidInput(
                    f"{self.kind.replace('_', ' ')} is a fraction: its distribution must lie "
                    "in [0, 1] (triangular, PERT or uniform)",
                    field,
                )
