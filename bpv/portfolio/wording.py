"""Figures in the plain words of the explanations: pounds, values and values per pound."""

from __future__ import annotations


def amount(number: float) -> str:
    """Whole numbers with thousands separators, others to two decimals."""
    if abs(number - round(number)) < 0.005:
        return f"{round(number):,}"
    return f"{number:,.2f}"


def pounds(number: float) -> str:
    sign = "-" if number < 0 else ""
    return f"{sign}£{amount(abs(number))}"


def per_pound(ratio: float) -> str:
    return f"{ratio:,.3f}".rstrip("0").rstrip(".") if ratio != 0 else "0"


def names(ids: list[str] | tuple[str, ...]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]
