"""Portfolio selection (SPEC 4.7): the options and budget a request gives, and the answer: the
funded set, whether it is proven optimal, what binds, and why each option is in or out."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Self

from pydantic import (
    Discriminator,
    Field,
    Strict,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from app.schemas.common import (
    ONLY_MATCHING_KEYS,
    Fraction,
    Key,
    Name,
    ReadSchema,
    Schema,
    cross_field_rule,
)
from app.schemas.ranking import UnrankedBidOut
from bpv.portfolio import (
    MAX_AMOUNT,
    MAX_OPTIONS,
    MAX_TIME_LIMIT,
    MAX_YEARS,
    ReasonCode,
    ShareDimension,
    SolveSettings,
    Status,
)
from bpv.portfolio.answer import ConstraintKind, FoundBy

if TYPE_CHECKING:
    from app.services.portfolio import PortfolioRunResult
    from bpv.portfolio import PortfolioAnswer

# The domain's cap on yearly budgets; an option's cost spans no more years either.
MAX_BUDGET_YEARS = MAX_YEARS
MAX_REQUIRES = 20
MAX_REQUIRES_TOTAL = 100_000
MAX_SHARES = 1_000

DEFAULTS = SolveSettings()

# JSON true or false only: 0 and "yes" are not flags.
Flag = Annotated[bool, Strict()]
OptionId = Annotated[Key, Field(description="Unique among the options; at most 100 characters.")]
# Amounts the solver's tolerances hold to within half a penny (`bpv.portfolio.MAX_AMOUNT`).
Amount = Annotated[float, Strict(), Field(ge=0, le=MAX_AMOUNT)]
Value = Annotated[
    float,
    Strict(),
    Field(
        ge=-MAX_AMOUNT,
        le=MAX_AMOUNT,
        description="What the option is worth; the total is maximised.",
    ),
]
# The financial years the domain takes (1900-2999), written as a JSON object's key.
YearKey = Annotated[
    str,
    StringConstraints(pattern=r"^(19[0-9]{2}|2[0-9]{3})$"),
    Field(description='A financial year named by its starting year, e.g. "2017".'),
]


def _by_year_of(description: str, min_length: int = 0) -> Any:
    return Field(
        min_length=min_length,
        max_length=MAX_BUDGET_YEARS,
        description=description,
        json_schema_extra=ONLY_MATCHING_KEYS,
    )


CostByYear = Annotated[
    dict[YearKey, Amount], _by_year_of("Pounds in each financial year, at least one.", 1)
]
BudgetByYear = Annotated[
    dict[YearKey, Amount],
    _by_year_of(
        "Pounds per financial year, each a limit of its own; with them, every option's cost "
        "is given by year, in these years only."
    ),
]


def _cost_kind(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "amount"
    if isinstance(value, dict):
        return "by_year"
    return None


Cost = Annotated[
    Annotated[Amount, Tag("amount")] | Annotated[CostByYear, Tag("by_year")],
    Discriminator(
        _cost_kind,
        custom_error_type="cost",
        custom_error_message='expected pounds, or pounds by financial year {"2017": ...}',
    ),
]


class StatelessObjective(StrEnum):
    """A label only: the stateless endpoint maximises the options' `value`, whatever it is."""

    VALUE = "value"
    NPSV = "npsv"
    QALYS = "qalys"


class RoundObjective(StrEnum):
    """What a round's bids are worth: the ranking's value score, the appraisal snapshot's NPSV,
    or its discounted QALYs."""

    VALUE_SCORE = "value_score"
    NPSV = "npsv"
    QALYS = "qalys"


class OptionIn(Schema):
    id: OptionId
    cost: Cost = Field(description="Pounds, or pounds by financial year; never negative.")
    value: Value
    group: Key | None = Field(default=None, description="At most one option of a group is chosen.")
    requires: list[Key] = Field(
        default_factory=list,
        max_length=MAX_REQUIRES,
        description="Ids of options that must be chosen whenever this one is (no cycles).",
    )
    mandatory: Flag = Field(default=False, description="Always chosen.")
    excluded: Flag = Field(default=False, description="Never chosen.")
    programme_area: Name | None = Field(
        default=None, description="What a `programme_area` share limit counts it under."
    )
    footprint: Key | None = Field(
        default=None, description="What a `footprint` share limit counts it under."
    )

    @model_validator(mode="after")
    def _not_both_ways(self) -> Self:
        if self.mandatory and self.excluded:
            raise cross_field_rule("an option cannot be both mandatory and excluded")
        return self


class BudgetIn(Schema):
    total: Amount | None = Field(default=None, description="Pounds over all the years.")
    by_year: BudgetByYear = Field(default_factory=dict)

    @model_validator(mode="after")
    def _some_limit(self) -> Self:
        if self.total is None and not self.by_year:
            raise cross_field_rule("a budget needs a total or amounts by year")
        return self


class ShareIn(Schema):
    dimension: ShareDimension
    key: Name = Field(description="The programme area, or the footprint, whose share it limits.")
    min_share: Fraction | None = Field(
        default=None, description="Its options' funded cost is at least this of the envelope."
    )
    max_share: Fraction | None = Field(
        default=None, description="Its options' funded cost is at most this of the envelope."
    )

    @model_validator(mode="after")
    def _a_range(self) -> Self:
        if self.min_share is None and self.max_share is None:
            raise cross_field_rule("a share limit needs min_share, max_share or both")
        if (
            self.min_share is not None
            and self.max_share is not None
            and self.min_share > self.max_share
        ):
            raise cross_field_rule("min_share must not be above max_share")
        return self


Shares = Annotated[
    list[ShareIn],
    Field(
        max_length=MAX_SHARES,
        description="Limits on what the funded options of one programme area or footprint "
        "cost together (over all years), as fractions of the envelope (the budget's total, "
        "else its years added up); one per dimension and key.",
    ),
]
GapTolerance = Annotated[
    float,
    Strict(),
    Field(
        ge=0,
        lt=1,
        description="Relative gap at which the search may stop: 0 (the default) asks for a "
        "proven optimum; the answer states the tolerance used.",
    ),
]
TimeLimit = Annotated[
    float,
    Strict(),
    Field(
        gt=0,
        le=MAX_TIME_LIMIT,
        description=f"Seconds the search may take (at most {MAX_TIME_LIMIT:g}); the solver is "
        "stopped from outside if it overruns, and the best selection found so far is answered "
        "with status `time_limit`.",
    ),
]


class OptimiseRequest(Schema):
    budget: BudgetIn
    objective: StatelessObjective = Field(
        default=StatelessObjective.VALUE,
        description="A label: whatever it says, the options' `value` is maximised.",
    )
    options: list[OptionIn] = Field(
        min_length=1,
        max_length=MAX_OPTIONS,
        description=f"At most {MAX_REQUIRES_TOTAL:,} `requires` over all of them.",
    )
    shares: Shares = Field(default_factory=list)
    gap_tolerance: GapTolerance = DEFAULTS.gap_tolerance
    time_limit: TimeLimit = DEFAULTS.time_limit
    explain: Flag = Field(
        default=True,
        description="Explain the answer: each option's reason, the marginal value of more "
        "budget and the value frontier (extra solves, within the same time limit).",
    )

    @field_validator("options")
    @classmethod
    def _bounded_requires(cls, options: list[OptionIn]) -> list[OptionIn]:
        requires = sum(len(option.requires) for option in options)
        if requires > MAX_REQUIRES_TOTAL:
            raise cross_field_rule(
                f"at most {MAX_REQUIRES_TOTAL:,} requires over all options, got {requires:,}"
            )
        return options


BidIds = Annotated[list[uuid.UUID], Field(default_factory=list, max_length=MAX_OPTIONS)]


class RoundPortfolioCreate(Schema):
    objective: RoundObjective = RoundObjective.VALUE_SCORE
    mandatory: BidIds = Field(description="Bids under assessment that must be funded.")
    excluded: BidIds = Field(description="Bids under assessment that must not be funded.")
    shares: Shares = Field(
        default_factory=list,
        description="Share limits as in `POST /v1/portfolio/optimise`; a key is a programme "
        "area of the round, or a footprint's id.",
    )
    gap_tolerance: GapTolerance = DEFAULTS.gap_tolerance
    time_limit: TimeLimit = DEFAULTS.time_limit

    @model_validator(mode="after")
    def _not_both_ways(self) -> Self:
        if set(self.mandatory) & set(self.excluded):
            raise cross_field_rule("a bid cannot be both mandatory and excluded")
        return self


class BindingOut(ReadSchema):
    name: str = Field(description="The constraint: a year's budget, the total, a share limit, ...")
    kind: ConstraintKind
    slack: float = Field(
        description="What is left before its limit: pounds for budgets and shares, options for "
        "groups."
    )
    year: int | None = Field(description="The financial year of a yearly budget.")


class MarginalValueOut(ReadSchema):
    year: int | None = Field(description="The financial year given more; null: the total.")
    step: float = Field(description="Pounds more in that budget.")
    value_gained: float | None = Field(
        description="The value they would buy; null when either solve has no portfolio."
    )
    status: Status = Field(description="The weaker of the two solves' (`time_limit`: estimate).")


class FrontierPointOut(ReadSchema):
    share: float = Field(description="Every budget (and so the envelope) scaled by this.")
    envelope: float
    value: float | None = Field(description="The best value there; null: no portfolio.")
    total_cost: float | None
    status: Status


class OptionReasonOut(ReadSchema):
    id: str
    selected: bool
    reason: ReasonCode
    detail: str = Field(description="The reason in plain words, with its figures.")
    value_per_pound: float | None = Field(description="Null when it costs nothing.")
    value_if_flipped: float | None = Field(
        description="The best total value with this option forced the other way: solved for "
        "the options nearest the funding line only; null otherwise, or when no portfolio exists "
        "then."
    )
    flip_status: Status | None = Field(description="How sure that solve is.")


class GreedyOut(ReadSchema):
    """What ranking by value per pound and funding down the list would have chosen."""

    selected: list[str]
    total_value: float
    total_cost: float
    optimum_gain: float | None = Field(
        description="The answer's value above it, when both are known and it is feasible."
    )
    feasible: bool = Field(
        description="False when it breaks a constraint a ranking cannot see to (a minimum "
        "share, mandatory options over budget)."
    )


class ConflictOut(ReadSchema):
    name: str = Field(description='The constraint in short: "budget 2018", "A mandatory", ...')
    kind: ConstraintKind
    detail: str
    option_ids: list[str]
    year: int | None


class SolverOut(ReadSchema):
    name: str
    version: str
    time_limit: float
    elapsed_seconds: float
    stopped_from_outside: bool = Field(
        description="The work was stopped at the time limit because it had not finished."
    )
    explanations_complete: bool = Field(description="Every explanation asked for is there.")
    best_found_by: FoundBy = Field(
        description="Who found the selection answered: the solver, the greedy ranking (the "
        "solver had found none in time), or nobody (none meets every constraint)."
    )


class PortfolioOut(ReadSchema):
    status: Status = Field(
        description="`optimal` only when proven best (within `gap_tolerance`); `time_limit`: "
        "the best selection found when time ran out; `infeasible`: proven that no selection "
        "meets every constraint (see `conflict`)."
    )
    selected: list[str]
    total_value: float
    total_cost: float
    cost_by_year: dict[str, float] = Field(description="The selection's cost in each year.")
    gap: float | None = Field(
        description="The proven bound on how far `total_value` may lie below the best "
        "possible, as a fraction of it; null when nothing bounds it (a greedy selection, an "
        "infeasible problem)."
    )
    gap_tolerance: float
    envelope: float = Field(
        description="What share limits are fractions of: the budget's total, else its years."
    )
    funding_line: float | None = Field(
        description="The lowest value per pound among options funded on their value."
    )
    binding: list[BindingOut] = Field(
        description="Constraints that keep the portfolio from a better value."
    )
    marginal_values: list[MarginalValueOut] = Field(
        description="The value more budget would buy, in total and year by year."
    )
    frontier: list[FrontierPointOut] = Field(
        description="The best value at other envelopes: the efficient frontier."
    )
    options: list[OptionReasonOut] = Field(description="Why each option is in or out.")
    greedy: GreedyOut
    conflict: list[ConflictOut] = Field(
        description="When infeasible, constraints that cannot all hold together."
    )
    conflict_minimal: bool = Field(
        description="The conflict is irreducible: drop any one and the rest can hold."
    )
    solver: SolverOut

    @classmethod
    def of(cls, answer: PortfolioAnswer) -> Self:
        return cls(**_answer_fields(answer))


class PortfolioRunOut(PortfolioOut):
    """A stored portfolio run of a round: its answer, with bid ids as option ids."""

    id: uuid.UUID
    round_id: uuid.UUID
    objective: RoundObjective
    created_at: dt.datetime
    account_id: uuid.UUID = Field(description="Who ran it.")
    unranked: list[UnrankedBidOut] = Field(
        description="Bids under assessment left out: no value under the objective, and why."
    )

    @classmethod
    def of_run(cls, result: PortfolioRunResult) -> Self:
        run = result.run
        return cls(
            id=run.id,
            round_id=run.round_id,
            objective=RoundObjective(run.objective),
            created_at=run.created_at,
            account_id=run.account_id,
            unranked=[
                UnrankedBidOut(bid_id=uuid.UUID(item.bid_id), reason=item.reason)
                for item in result.unranked
            ],
            **_answer_fields(result.answer),
        )


def _by_year(amounts: Mapping[int, float]) -> dict[str, float]:
    return {str(year): amount for year, amount in sorted(amounts.items())}


def _answer_fields(answer: PortfolioAnswer) -> dict[str, Any]:
    greedy, solver = answer.greedy, answer.solver
    return {
        "status": answer.status,
        "selected": list(answer.selected),
        "total_value": answer.total_value,
        "total_cost": answer.total_cost,
        "cost_by_year": _by_year(answer.cost_by_year),
        "gap": answer.gap,
        "gap_tolerance": answer.gap_tolerance,
        "envelope": answer.envelope,
        "funding_line": answer.funding_line,
        "binding": [
            BindingOut(name=b.name, kind=b.kind, slack=b.slack, year=b.year) for b in answer.binding
        ],
        "marginal_values": [
            MarginalValueOut(year=m.year, step=m.step, value_gained=m.value_gained, status=m.status)
            for m in answer.marginal_values
        ],
        "frontier": [
            FrontierPointOut(
                share=p.share,
                envelope=p.envelope,
                value=p.value,
                total_cost=p.total_cost,
                status=p.status,
            )
            for p in answer.frontier
        ],
        "options": [
            OptionReasonOut(
                id=r.option_id,
                selected=r.selected,
                reason=r.reason,
                detail=r.detail,
                value_per_pound=r.value_per_pound,
                value_if_flipped=r.value_if_flipped,
                flip_status=r.flip_status,
            )
            for r in answer.reasons
        ],
        "greedy": GreedyOut(
            selected=list(greedy.selected),
            total_value=greedy.total_value,
            total_cost=greedy.total_cost,
            optimum_gain=greedy.optimum_gain,
            feasible=greedy.feasible,
        ),
        "conflict": [
            ConflictOut(
                name=c.name,
                kind=c.kind,
                detail=c.detail,
                option_ids=list(c.option_ids),
                year=c.year,
            )
            for c in answer.conflict
        ],
        "conflict_minimal": answer.conflict_minimal,
        "solver": SolverOut(
            name=solver.name,
            version=solver.version,
            time_limit=solver.time_limit,
            elapsed_seconds=solver.elapsed_seconds,
            stopped_from_outside=solver.stopped_from_outside,
            explanations_complete=solver.explanations_complete,
            best_found_by=solver.best_found_by,
        ),
    }
