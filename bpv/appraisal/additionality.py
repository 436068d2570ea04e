"""Additionality and persistence: from gross to net benefit, and its decay with drop-off."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bpv.appraisal.validation import require_fraction


def additionality_factor(
    deadweight: float = 0.0,
    displacement: float = 0.0,
    attribution: float = 0.0,
    field: str = "",
) -> float:
    """(1 - deadweight) x (1 - displacement) x (1 - attribution); net = gross x this."""
    prefix = f"{field}." if field else ""
    deadweight = require_fraction(deadweight, f"{prefix}deadweight")
    displacement = require_fraction(displacement, f"{prefix}displacement")
    attribution = require_fraction(attribution, f"{prefix}attribution")
    return (1.0 - deadweight) * (1.0 - displacement) * (1.0 - attribution)


def persistence_factors(
    drop_off: float, years: int, field: str = "drop_off"
) -> npt.NDArray[np.float64]:
    """(1 - d)^(n - 1) for n = 1..years: the share of the first-year value left in year n."""
    drop_off = require_fraction(drop_off, field)
    return np.power(1.0 - drop_off, np.arange(years, dtype=np.float64))
