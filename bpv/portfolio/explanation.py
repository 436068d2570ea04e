"""Why each option is in or out, and which constraints bind, read off the chosen set.

An option that is out is tried in, with whatever it needs that is out too: what that would
break (a budget year, the total, a share maximum, its group) and whether it would add value.
An option that is in is tried out, with whatever funded options need it: which minimum (a
required group, a share minimum) that would break, and whether it would add value. A
constraint binds when it stands in the way of such a move that would raise the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bpv.portfolio.answer import BindingConstraint, OptionReason, ReasonCode
from bpv.portfolio.formulation import ConstraintGroup, Floats, Formulation, Limits, Selection
from bpv.portfolio.greedy import value_per_pound
from bpv.portfolio.wording import amount, names, per_pound, pounds
from bpv.ranking import FUNDING_TOLERANCE

RATIO_TOLERANCE = 1e-9


@dataclass
class Move:
    """Adding an out option (with what it needs) or removing an in one (with what needs it)."""

    option: int
    members: list[int]
    gain: float
    cost: float
    broken: list[tuple[ConstraintGroup, float, float]] = field(default_factory=list)
    """Each constraint it breaks, with what the move needs of it and what is left."""
    alternative: int | None = None
    """For an addition: the funded option of its own group."""
    unavailable: str | None = None
    """For an addition: why something it needs cannot come in."""
    needs_excluded: bool = False
    """For an addition: something it needs is excluded, so no constraint stands in its way."""
    swap_helps: bool = False
    """For a removal: with the room it frees, an out option would come in for more value."""


@dataclass(frozen=True)
class Explained:
    binding: tuple[BindingConstraint, ...]
    reasons: tuple[OptionReason, ...]
    funding_line: float | None


def _left(formulation: Formulation, limits: Limits, activity: Floats) -> tuple[Floats, Floats]:
    """Room above each row's activity to its upper bound, and above its lower bound."""
    return limits.row_upper - activity, activity - limits.row_lower


def additions(formulation: Formulation, selection: Selection, limits: Limits) -> list[Move]:
    f = formulation
    activity = f.activity(selection)
    room_up, _ = _left(f, limits, activity)
    upper = np.isfinite(limits.row_upper) & f.money_rows
    upper_rows = upper.tolist()
    excluded = f.excluded.tolist()
    funded_in_group = {
        f.group_of[i]: int(i) for i in np.flatnonzero(selection) if f.group_of[i] is not None
    }
    values, costs = f.values.tolist(), f.total_costs.tolist()
    moves = []
    for i in np.flatnonzero(~selection & ~f.excluded).tolist():
        members = f.closure_of(i, selection)
        move = Move(i, members, sum(values[m] for m in members), sum(costs[m] for m in members))
        own = f.group_of[i]
        if own is not None and own in funded_in_group:
            move.alternative = funded_in_group[own]
            move.broken.append((f.owner[(f.group_row[own], "upper")], 1.0, 0.0))
        seen_groups: dict[str, int] = {} if own is None else {own: i}
        for m in members[1:]:
            group = f.group_of[m]
            if excluded[m]:
                move.unavailable = f"It needs {f.ids[m]}, which is excluded"
                move.needs_excluded = True
            elif group is not None and group in funded_in_group:
                funded = f.ids[funded_in_group[group]]
                move.unavailable = f"It needs {f.ids[m]}, but {funded} is funded in group {group}"
                move.broken.append((f.owner[(f.group_row[group], "upper")], 1.0, 0.0))
            elif group is not None and group in seen_groups:
                other = f.ids[seen_groups[group]]
                move.unavailable = f"It needs {f.ids[m]} and {other}, alternatives in group {group}"
            elif group is not None:
                seen_groups[group] = m
        for row, need in f.needs(members, upper_rows).items():
            if need > room_up[row]:
                left = max(0.0, float(room_up[row]) - FUNDING_TOLERANCE)
                move.broken.append((f.owner[(row, "upper")], need, left))
        moves.append(move)
    return moves


def removals(formulation: Formulation, selection: Selection, limits: Limits) -> list[Move]:
    f = formulation
    activity = f.activity(selection)
    _, room_down = _left(f, limits, activity)
    lower_rows = np.isfinite(limits.row_lower).tolist()
    values, costs = f.values.tolist(), f.total_costs.tolist()
    mandatory = f.mandatory.tolist()
    moves = []
    for i in np.flatnonzero(selection & ~f.mandatory).tolist():
        members = f.dependants_of(i, selection)
        if any(mandatory[m] for m in members):
            continue
        move = Move(i, members, -sum(values[m] for m in members), -sum(costs[m] for m in members))
        for row, need in f.needs(members, lower_rows).items():
            if need > room_down[row]:
                owner = f.owner.get((row, "lower"))
                if owner is not None:
                    left = max(0.0, float(room_down[row]) - FUNDING_TOLERANCE)
                    move.broken.append((owner, need, left))
        moves.append(move)
    return moves


def binding_constraints(
    formulation: Formulation, selection: Selection, moves: list[Move]
) -> tuple[BindingConstraint, ...]:
    f = formulation
    activity = f.activity(selection)
    binding: dict[tuple[int | None, str], BindingConstraint] = {}
    for move in moves:
        if (move.gain <= 0 and not move.swap_helps) or move.needs_excluded:
            continue
        for group, _, _ in move.broken:
            row = group.row
            assert row is not None
            if group.side == "upper":
                slack = float(f.base_upper[row] - activity[row])
            else:
                slack = float(activity[row] - f.base_lower[row])
            key = (row, group.side)
            binding[key] = BindingConstraint(group.name, group.kind, max(0.0, slack), group.year)
    return tuple(binding[key] for key in sorted(binding, key=lambda k: (k[0] or 0, k[1])))


def mark_helpful_swaps(
    formulation: Formulation,
    selection: Selection,
    limits: Limits,
    ins: list[Move],
    outs: list[Move],
) -> None:
    """For each removal that only a minimum stops, whether the room it frees would let in an
    out option (with what it needs) worth more than what leaves: then the minimum binds."""
    blocked = [m for m in ins if m.broken and m.gain <= 0]
    if not blocked:
        return
    f = formulation
    room_up = limits.row_upper - f.activity(selection)
    upper_rows = (np.isfinite(limits.row_upper) & f.money_rows).tolist()
    # Out options that only money stands in the way of, most valuable first.
    candidates = sorted(
        (m for m in outs if m.alternative is None and m.unavailable is None and m.gain > 0),
        key=lambda m: -m.gain,
    )
    for removal in blocked:
        lost = -removal.gain
        freed = f.needs(removal.members, upper_rows)
        for addition in candidates:
            if addition.gain <= lost:
                break
            need = f.needs(addition.members, upper_rows)
            if all(amount <= room_up[row] + freed.get(row, 0.0) for row, amount in need.items()):
                removal.swap_helps = True
                break


Breaks = list[tuple[ConstraintGroup, float, float]]


def _break_words(broken: Breaks) -> str:
    parts = []
    for group, need, left in broken:
        if group.kind == "budget_year":
            parts.append(
                f"the {group.year} budget (it needs {pounds(need)} in {group.year}, "
                f"{pounds(left)} is left)"
            )
        elif group.kind == "total_budget":
            parts.append(f"the total budget (it needs {pounds(need)}, {pounds(left)} is left)")
        elif group.kind == "share":
            parts.append(
                f"the {group.name} limit (it needs {pounds(need)}, {pounds(left)} is left)"
            )
    return "; ".join(parts)


def _money_breaks(move: Move) -> Breaks:
    order = {"budget_year": 0, "total_budget": 1, "share": 2}
    found = [b for b in move.broken if b[0].kind in order]
    return sorted(found, key=lambda b: (order[b[0].kind], b[0].year or 0))


def explain(
    formulation: Formulation, selection: Selection, limits: Limits, *, proven: bool
) -> Explained:
    """The reasons for every option and the binding constraints, at this selection."""
    f = formulation
    ratio = value_per_pound(f)
    ins = {move.option: move for move in removals(f, selection, limits)}
    outs = {move.option: move for move in additions(f, selection, limits)}
    mark_helpful_swaps(f, selection, limits, list(ins.values()), list(outs.values()))
    binding = binding_constraints(f, selection, [*ins.values(), *outs.values()])

    def own_ratio(i: int) -> float | None:
        return float(ratio[i]) if f.total_costs[i] > 0 else None

    required_groups = set(f.problem.required_groups)
    codes: dict[int, tuple[ReasonCode, str]] = {}
    on_value: list[int] = []
    for i in np.flatnonzero(selection).tolist():
        needed_by = [f.ids[b] for b in f.dependants[i] if selection[b]]
        move = ins.get(i)
        if f.mandatory[i]:
            codes[i] = (ReasonCode.MANDATORY, "Mandatory: funded whatever it costs")
        elif needed_by:
            verb = "is" if len(needed_by) == 1 else "are"
            detail = f"Required by {names(needed_by)}, which {verb} funded"
            if own_ratio(i) is not None:
                detail += f"; its own value per pound is {per_pound(ratio[i])}"
            codes[i] = (ReasonCode.REQUIRED_BY_SELECTED, detail)
        elif (group := f.group_of[i]) is not None and group in required_groups:
            others = [f.ids[m] for m in f.members[group] if m != i]
            detail = f"Group {group} must have one option funded, and this is the one chosen"
            if others:
                detail += f" over {names(others)}"
            codes[i] = (ReasonCode.NEEDED_FOR_GROUP, detail)
        elif move is not None and move.broken:
            minimum = move.broken[0][0]
            if minimum.kind == "group":
                code = ReasonCode.NEEDED_FOR_GROUP
                detail = f"Needed because {minimum.detail}; without it none would be"
            else:
                code = ReasonCode.NEEDED_FOR_SHARE
                detail = f"Needed because {minimum.detail}; without it that minimum would be missed"
            codes[i] = (code, detail)
        elif move is not None and move.gain > 0:
            codes[i] = (
                ReasonCode.NOT_REACHED,
                "Dropping it would add value: the search stopped before it was tried out",
            )
        else:
            on_value.append(i)
    positive = [float(ratio[i]) for i in on_value if f.total_costs[i] > 0 and f.values[i] > 0]
    line = min(positive) if positive else None
    for i in on_value:
        if f.total_costs[i] <= 0:
            detail = f"Costs nothing and adds {amount(f.values[i])} of value"
        elif line is not None and f.values[i] > 0:
            detail = (
                f"Value per pound {per_pound(ratio[i])}, at or above the funding line of "
                f"{per_pound(line)}"
            )
        else:
            detail = "Funded on its value"
        group = f.group_of[i]
        if group is not None and len(f.members[group]) > 1:
            others = [f.ids[m] for m in f.members[group] if m != i]
            detail += f"; chosen over {names(others)} in group {group}"
        codes[i] = (ReasonCode.ABOVE_LINE, detail)

    for i in np.flatnonzero(~selection).tolist():
        codes[i] = _out_reason(f, outs.get(i), line, proven)

    reasons = tuple(
        OptionReason(f.ids[i], bool(selection[i]), codes[i][0], codes[i][1], own_ratio(i))
        for i in range(f.size)
    )
    return Explained(binding, reasons, line)


def _out_reason(
    f: Formulation, move: Move | None, line: float | None, proven: bool
) -> tuple[ReasonCode, str]:
    if move is None:
        return ReasonCode.EXCLUDED, "Excluded: never funded"
    if move.alternative is not None:
        group = f.group_of[move.option]
        return (
            ReasonCode.BETTER_ALTERNATIVE,
            f"In group {group}, {f.ids[move.alternative]} is funded instead",
        )
    if move.unavailable is not None:
        return ReasonCode.PREREQUISITE_UNAVAILABLE, move.unavailable
    needed = [f.ids[m] for m in move.members[1:]]
    # "With A, which it needs, its value ..." or "Its value ...".
    lead, its, value_word = ("", "Its", "Value")
    if needed:
        lead, its, value_word = (f"With {names(needed)}, which it needs, ", "its", "value")
    if move.gain <= 0:
        return ReasonCode.NO_VALUE, f"{lead}{its} value is not positive"
    breaks = _money_breaks(move)
    words = _break_words(breaks)
    if line is not None and move.cost > 0:
        ratio = move.gain / move.cost
        if ratio < line * (1 - RATIO_TOLERANCE):
            detail = (
                f"{lead}{value_word} per pound {per_pound(ratio)} is below the funding line "
                f"of {per_pound(line)}"
            )
            if words:
                detail += f"; it would also break {words}"
            return ReasonCode.BELOW_LINE, detail
    if breaks:
        kind = breaks[0][0].kind
        code = {
            "budget_year": ReasonCode.BREAKS_BUDGET_YEAR,
            "total_budget": ReasonCode.BREAKS_TOTAL_BUDGET,
        }.get(kind, ReasonCode.BREAKS_SHARE_LIMIT)
        return code, f"It would break {words}"
    if proven:
        # Proven optimal within a gap tolerance above 0: the gap allows this.
        return (
            ReasonCode.NOT_REACHED,
            "It fits and adds value, but the answer is proven only within the gap tolerance",
        )
    return (
        ReasonCode.NOT_REACHED,
        "It fits and adds value: the search stopped before it was tried in",
    )


def nearest_the_line(
    formulation: Formulation, selection: Selection, line: float | None, count: int
) -> list[int]:
    """The `count` options whose value per pound is nearest the funding line (by ratio), of
    those that could go either way (neither mandatory nor excluded, and costing something)."""
    if line is None or count == 0:
        return []
    f = formulation
    ratio = value_per_pound(f)
    free = ~f.mandatory & ~f.excluded & (f.total_costs > 0) & (f.values > 0)
    candidates = np.flatnonzero(free)
    distance = np.abs(np.log(ratio[candidates] / line))
    return [int(i) for i in candidates[np.lexsort((candidates, distance))][:count]]
