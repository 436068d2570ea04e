"""Portfolio selection: the stateless optimisation (SPEC 4.7), and a round's runs, whose options
are its bids under assessment, solved by the domain within their time limit and stored whole."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from app import translate
from app.auth import Principal
from app.problems import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from app.repositories.decisions import BidRequest, RoundBid, RoundBids
from app.repositories.portfolio import PortfolioRuns
from app.repositories.rounds import Rounds
from app.schemas.common import YearAmount
from app.schemas.keys import Role
from app.schemas.portfolio import OptimiseRequest, RoundObjective, RoundPortfolioCreate
from app.services.ranking import NO_SNAPSHOT, RankingService
from app.services.rounds import round_settings
from app.tables import PortfolioRun, Round
from bpv.errors import InvalidInput
from bpv.lifecycle import BidStatus, RoundStatus
from bpv.portfolio import (
    Budget,
    Option,
    PortfolioAnswer,
    PortfolioProblem,
    ShareDimension,
    SolveSettings,
    optimise_within_deadline,
)
from bpv.ranking import UnrankedBid

# The options of a round's portfolio: its bids the panel assessed and the chair has to decide.
OPTION_STATUSES = frozenset({BidStatus.UNDER_ASSESSMENT})
NOT_UNDER_ASSESSMENT = "no bid under assessment in this round has this id"


def optimise(request: OptimiseRequest) -> PortfolioAnswer:
    """`POST /v1/portfolio/optimise`: the request's options under its budget, nothing stored.

    A problem the domain refuses raises `InvalidInput` naming the field before any solver
    process starts; the answer comes by the time limit (and a fraction of a second)."""
    return optimise_within_deadline(translate.portfolio_problem(request))


@dataclass(frozen=True)
class PortfolioRunResult:
    """A stored run with its answer, and the round's bids it left out (no value, and why)."""

    run: PortfolioRun
    answer: PortfolioAnswer
    unranked: tuple[UnrankedBid, ...]


@dataclass
class PortfolioService:
    session: Session
    principal: Principal

    def round_to_optimise(self, round_id: uuid.UUID) -> Round:
        """The round, locked, if the caller is its chair (404 unseen; 403 for any other role,
        administrators too: choosing the funded portfolio is the chair's job, as deciding is)."""
        round_ = Rounds(self.session, self.principal).get(round_id, for_update=True)
        if round_ is None:
            raise NotFound(f"No round {round_id}.")
        if self.principal.role is not Role.CHAIR:
            raise Forbidden(
                f"Only the round's chair runs its portfolio; {self.principal.role.key_phrase} "
                "may not."
            )
        return round_

    def run(self, round_: Round, data: RoundPortfolioCreate) -> PortfolioRunResult:
        """Solve the round's portfolio as `data` asks, and store the run: the problem exactly
        as solved, and the answer."""
        if RoundStatus(round_.status) is not RoundStatus.CLOSED:
            raise Conflict(
                f"A round's portfolio is chosen while it is closed; it is {round_.status}.",
                round_status=round_.status,
            )
        budget = _budget(round_.envelope)
        options, unranked = self._options(round_, data.objective)
        if not options:
            raise Conflict(
                f"No bid under assessment in the round has a value under {data.objective}."
            )
        _check_request(round_, data, options, unranked)
        mandatory, excluded = set(map(str, data.mandatory)), set(map(str, data.excluded))
        problem = PortfolioProblem(
            options=tuple(
                replace(o, mandatory=o.id in mandatory, excluded=o.id in excluded) for o in options
            ),
            budget=budget,
            shares=translate.share_limits(data.shares),
            settings=SolveSettings(gap_tolerance=data.gap_tolerance, time_limit=data.time_limit),
        )
        try:
            answer = optimise_within_deadline(problem)
        except InvalidInput as error:
            if error.field is not None and error.field.startswith("shares"):
                raise
            # Options and a budget built from stored bids and the round's envelope that the
            # domain refuses are the round's state, not the request's fault.
            raise Conflict(
                f"The round's bids cannot be optimised: {_bid_named(error, options)}."
            ) from None
        run = PortfolioRuns(self.session).add(
            PortfolioRun(
                round_id=round_.id,
                account_id=self.principal.account,
                objective=data.objective,
                status=answer.status,
                solver_name=answer.solver.name,
                solver_version=answer.solver.version,
                gap_tolerance=answer.gap_tolerance,
                request={
                    "objective": str(data.objective),
                    "criteria_version": round_.criteria_version,
                    "settings_version": round_.settings_version,
                    "problem": translate.problem_document(problem),
                    "unranked": [{"bid_id": u.bid_id, "reason": u.reason} for u in unranked],
                },
                answer=translate.answer_document(answer),
            )
        )
        return PortfolioRunResult(run, answer, tuple(unranked))

    def get(self, round_id: uuid.UUID, run_id: uuid.UUID) -> PortfolioRunResult:
        """A stored run as it was: the round's chair and administrators read it; other roles
        that see the round may not (403)."""
        self._readable(round_id)
        run = PortfolioRuns(self.session).get(round_id, run_id)
        if run is None:
            raise NotFound(f"No portfolio {run_id} in round {round_id}.")
        return stored_run(run)

    def latest(self, round_id: uuid.UUID) -> PortfolioRunResult | None:
        """The round's most recent run, read as `get` reads one; None before the first."""
        self._readable(round_id)
        run = PortfolioRuns(self.session).latest(round_id)
        return None if run is None else stored_run(run)

    def _readable(self, round_id: uuid.UUID) -> None:
        round_ = Rounds(self.session, self.principal).get(round_id)
        if round_ is None:
            raise NotFound(f"No round {round_id}.")
        role = self.principal.role
        if role not in {Role.ADMIN, Role.CHAIR}:
            raise Forbidden(f"{role.key_phrase.capitalize()} may not read a round's portfolios.")

    def _options(
        self, round_: Round, objective: RoundObjective
    ) -> tuple[list[Option], list[UnrankedBid]]:
        """An option for each of the round's bids under assessment that has a value under
        `objective`; the others left out, with the reason."""
        round_bids = RoundBids(self.session)
        bids = round_bids.current(round_.id, OPTION_STATUSES)
        requests = round_bids.requests(round_.id, OPTION_STATUSES)
        values, unranked = self._values(round_, bids, objective)
        base_year = round_settings(round_).base_year
        options = []
        for bid in bids:
            key = str(bid.bid.id)
            if key not in values:
                continue
            assert bid.snapshot is not None  # a bid with a value has one
            request = requests[bid.bid.id]
            options.append(
                Option(
                    id=key,
                    value=values[key],
                    cost=_cost(request, bid.snapshot.requested_funding, base_year),
                    programme_area=request.programme_area,
                    footprint=str(bid.bid.footprint_id),
                )
            )
        return options, unranked

    def _values(
        self, round_: Round, bids: Sequence[RoundBid], objective: RoundObjective
    ) -> tuple[dict[str, float], list[UnrankedBid]]:
        """Each bid's value under `objective` by bid id, and the bids that have none."""
        if objective is RoundObjective.VALUE_SCORE:
            ranking = RankingService(self.session, self.principal).rank(round_, None).ranking
            keys = {str(bid.bid.id) for bid in bids}
            values = {item.bid_id: item.value.score for item in ranking.items}
            return (
                {key: value for key, value in values.items() if key in keys},
                [item for item in ranking.unranked if item.bid_id in keys],
            )
        values, unranked = {}, []
        for bid in bids:
            key = str(bid.bid.id)
            if bid.snapshot is None:
                unranked.append(UnrankedBid(key, NO_SNAPSHOT))
                continue
            figure = bid.snapshot.npsv if objective is RoundObjective.NPSV else bid.snapshot.qalys
            if figure is None:
                unranked.append(UnrankedBid(key, f"its appraisal snapshot has no {objective}"))
            else:
                values[key] = figure
        return values, unranked


def stored_run(run: PortfolioRun) -> PortfolioRunResult:
    """A run read back from what was stored."""
    return PortfolioRunResult(
        run=run,
        answer=translate.answer_from_document(run.answer),
        unranked=tuple(
            UnrankedBid(item["bid_id"], item["reason"]) for item in run.request["unranked"]
        ),
    )


def _budget(envelope: Mapping[str, object] | None) -> Budget:
    """The round's envelope as the portfolio's budget: its total and each of its years."""
    total = (envelope or {}).get("total")
    by_year = (envelope or {}).get("by_year") or {}
    assert isinstance(by_year, Mapping)
    if not isinstance(total, int | float) and not by_year:
        raise Conflict("The round has no envelope: set its total or amounts by year first.")
    return Budget(
        total=float(total) if isinstance(total, int | float) else None,
        by_year={int(year): float(amount) for year, amount in by_year.items()},
    )


def _cost(request: BidRequest, requested: float, base_year: int | None) -> dict[int, float]:
    """What a bid asks for by financial year: its requested funding, or where it states none,
    its snapshot's requested funding (its costs as given) in the round's base year."""
    funding = [YearAmount.model_validate(item) for item in request.requested_funding or []]
    if not funding:
        if base_year is None:
            raise Conflict("The round has no base year to place the bids' requests in.")
        return {base_year: requested}
    years: dict[int, list[float]] = {}
    for item in funding:
        years.setdefault(item.year, []).append(item.amount)
    return {year: math.fsum(amounts) for year, amounts in sorted(years.items())}


def _check_request(
    round_: Round,
    data: RoundPortfolioCreate,
    options: Sequence[Option],
    unranked: Sequence[UnrankedBid],
) -> None:
    """422 naming every bid id and share limit that names nothing among the round's options."""
    ids = {option.id for option in options}
    left_out = {item.bid_id: item.reason for item in unranked}
    errors = []
    for name, bid_ids in (("mandatory", data.mandatory), ("excluded", data.excluded)):
        for index, bid_id in enumerate(bid_ids):
            key = str(bid_id)
            if key not in ids:
                reason = left_out.get(key)
                message = NOT_UNDER_ASSESSMENT if reason is None else f"not an option: {reason}"
                errors.append(_error(f"{name}[{index}]", message))
    footprints = {option.footprint for option in options}
    for index, share in enumerate(data.shares):
        if share.dimension is ShareDimension.PROGRAMME_AREA:
            if share.key not in round_.programme_areas:
                errors.append(_error(f"shares[{index}].key", "not a programme area of the round"))
        elif share.key not in footprints:
            errors.append(
                _error(f"shares[{index}].key", "no option is a bid of a footprint with this id")
            )
    if errors:
        fields = ", ".join(error.field for error in errors)
        raise ValidationFailed(f"Invalid: {fields}; nothing was stored.", errors=errors)


def _bid_named(error: InvalidInput, options: Sequence[Option]) -> str:
    """The domain's message, with the bid an `options[i]...` field points at."""
    match = re.match(r"options\[(\d+)\]", error.field or "")
    if match is None:
        return f"{error.field}: {error.message}" if error.field else error.message
    return f"bid {options[int(match.group(1))].id}: {error.message}"


def _error(field: str, message: str) -> FieldError:
    return FieldError(field=field, location="body", message=message, type="domain")
