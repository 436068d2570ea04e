"""Checks on numeric inputs that raise `InvalidInput` naming the field as a client would."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

from bpv.errors import InvalidInput


def require_finite(value: float, field: str) -> float:
    # NaN and infinities would otherwise propagate silently into every figure.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{field} must be a number", field=field)
    if not math.isfinite(value):
        raise InvalidInput(f"{field} must be a finite number", field=field)
    return float(value)


def require_fraction(value: float, field: str) -> float:
    """A share in [0, 1], such as deadweight or a benefit reduction."""
    value = require_finite(value, field)
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(f"{field} must lie in [0, 1], got {value}", field=field)
    return value


def require_non_negative(value: float, field: str) -> float:
    value = require_finite(value, field)
    if value < 0.0:
        raise InvalidInput(f"{field} must not be negative, got {value}", field=field)
    return value


def require_int(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field} must be a whole number", field=field)
    return value


def first_non_finite(value: object, path: str = "") -> str | None:
    """The path of the first infinite or NaN float inside nested dataclasses, tuples and dicts."""
    for where, number in _floats(value, path):
        if not math.isfinite(number):
            return where
    return None


def _floats(value: object, path: str) -> Iterator[tuple[str, float]]:
    if isinstance(value, float):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _floats(getattr(value, field.name), f"{path}.{field.name}".lstrip("."))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _floats(item, f"{path}.{key}".lstrip("."))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _floats(item, f"{path}[{index}]")
