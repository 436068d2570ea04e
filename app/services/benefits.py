"""Benefits of funded bids (SPEC 4.9): realised against predicted per bid, rolled up by
footprint and by round.

Tracking reads the version each bid was decided on (its hypotheses and cost lines), the current
(not superseded) measurements of periods ended by the report's date and the current spend, and
the tolerances of the bid's round; the domain (`bpv.benefits`) computes every figure.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from app import translate
from app.auth import Principal
from app.problems import Conflict, NotFound
from app.repositories.benefits import BenefitRows, BenefitsData, FundedBid, MeasurementRow
from app.repositories.bids import Bids
from app.repositories.places import Footprints
from app.repositories.rounds import Rounds
from app.schemas.appraisals import RoundSettings
from app.schemas.keys import FOOTPRINT_ROLES
from app.scopes import visible_bids
from app.services.rounds import round_settings
from app.tables import Bid, BidVersion
from bpv.benefits import (
    BidBenefits,
    IndicatorTrack,
    Observation,
    SpendLine,
    Verdict,
    bid_benefits,
    track,
)
from bpv.lifecycle import FUNDED

# A bid is off track when one of its hypotheses has one of these verdicts.
OFF_TRACK = frozenset({Verdict.OFF_TRACK, Verdict.REFUTED})


@dataclass(frozen=True)
class BidReport:
    """A funded bid's benefits as of a date (periods due by then, today's current rows): each
    hypothesis tracked, spend, the bid's money."""

    bid: Bid
    version: BidVersion
    settings_version: int
    settings: RoundSettings
    as_of: dt.date
    tracks: tuple[IndicatorTrack, ...]
    spend: tuple[SpendLine, ...]
    benefits: BidBenefits

    @property
    def off_track(self) -> list[IndicatorTrack]:
        return [t for t in self.tracks if t.verdict.verdict in OFF_TRACK]


@dataclass(frozen=True)
class Rollup:
    """Funded bids rolled up (a footprint's or a round's): money, verdicts, bids off track."""

    as_of: dt.date
    reports: list[BidReport]
    predicted_benefits: float
    realised_benefits: float
    planned_spend: float
    actual_spend: float
    realised_roi: float | None
    verdicts: dict[Verdict, int]

    @property
    def off_track(self) -> list[BidReport]:
        return [report for report in self.reports if report.off_track]


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@dataclass
class BenefitsService:
    session: Session
    principal: Principal

    def of_bid(self, bid_id: uuid.UUID, as_of: dt.date) -> BidReport:
        """The bid's report: 404 out of scope, 409 for a bid that is not funded."""
        bid = Bids(self.session, self.principal).get(bid_id)
        if bid is None:
            raise NotFound(f"No bid {bid_id}.")
        if bid.status not in FUNDED:
            raise Conflict(
                f"Benefits are tracked for funded bids only (approved, approved with "
                f"conditions, in delivery or closed); this bid is {bid.status}."
            )
        (report,) = reports(self.session, Bid.id == bid.id, as_of)
        return report

    def of_footprint(self, footprint_id: uuid.UUID, as_of: dt.date) -> Rollup:
        """The footprint's funded bids that the caller sees (a programme office or integration
        only its own footprint: another answers 404)."""
        scoped = self.principal.role in FOOTPRINT_ROLES
        if Footprints(self.session).get(footprint_id) is None or (
            scoped and self.principal.footprint_id != footprint_id
        ):
            raise NotFound(f"No footprint {footprint_id}.")
        condition = visible_bids(self.principal) & (Bid.footprint_id == footprint_id)
        return rollup(reports(self.session, condition, as_of), as_of)

    def of_round(self, round_id: uuid.UUID, as_of: dt.date) -> Rollup:
        """The round's funded bids that the caller sees (a panel member only its own round;
        a programme office its own footprint's bids of the round)."""
        if Rounds(self.session, self.principal).get(round_id) is None:
            raise NotFound(f"No round {round_id}.")
        condition = visible_bids(self.principal) & (Bid.round_id == round_id)
        return rollup(reports(self.session, condition, as_of), as_of)


def reports(session: Session, condition: ColumnElement[bool], as_of: dt.date) -> list[BidReport]:
    """The report of every funded bid meeting `condition`, oldest bid first (one query per
    kind of row, whatever the number of bids)."""
    data = BenefitsData(session)
    rows = data.rows(data.funded(condition))
    return [_report(funded, rows, as_of) for funded in rows.funded]


def rollup(reports: Sequence[BidReport], as_of: dt.date) -> Rollup:
    predicted = math.fsum(r.benefits.predicted_money for r in reports)
    realised = math.fsum(r.benefits.realised_money for r in reports)
    actual = math.fsum(r.benefits.actual_spend for r in reports)
    verdicts = Counter(t.verdict.verdict for r in reports for t in r.tracks)
    return Rollup(
        as_of=as_of,
        reports=list(reports),
        predicted_benefits=predicted,
        realised_benefits=realised,
        planned_spend=math.fsum(r.benefits.planned_spend for r in reports),
        actual_spend=actual,
        realised_roi=(realised - actual) / actual if actual > 0 else None,
        verdicts={verdict: verdicts.get(verdict, 0) for verdict in Verdict},
    )


def _report(funded: FundedBid, rows: BenefitRows, today: dt.date) -> BidReport:
    bid, version = funded
    round_ = rows.rounds[bid.round_id]
    settings = round_settings(round_)
    tracking = settings.tracking()
    named, unnamed = _measured(rows.measurements.get(bid.id, []), today)
    tracks = []
    for hypothesis in rows.hypotheses.get(version.id, []):
        domain = translate.hypothesis(hypothesis.body)
        measured = [*named.get(hypothesis.stable_id, []), *unnamed.get(domain.indicator.name, [])]
        observations = [Observation(r.period_start, r.period_end, r.value) for r in measured]
        hypothesis_id = str(hypothesis.stable_id)
        tracks.append(track(hypothesis_id, domain, observations, tracking, today))
    spend = _spend(version, rows, bid.id)
    return BidReport(
        bid=bid,
        version=version,
        settings_version=round_.settings_version,
        settings=settings,
        as_of=today,
        tracks=tuple(tracks),
        spend=spend,
        benefits=bid_benefits(tracks, spend),
    )


def _measured(
    rows: list[MeasurementRow], today: dt.date
) -> tuple[dict[uuid.UUID, list[MeasurementRow]], dict[str, list[MeasurementRow]]]:
    """A bid's measurements of periods ended by `today`: those naming a hypothesis, by its
    stable id; those naming none, by indicator (they count for each hypothesis on it). The
    domain takes the mean where several sources report one period."""
    named: dict[uuid.UUID, list[MeasurementRow]] = defaultdict(list)
    unnamed: dict[str, list[MeasurementRow]] = defaultdict(list)
    for row in rows:
        if row.period_end > today:
            continue
        if row.hypothesis_id is not None:
            named[row.hypothesis_id].append(row)
        else:
            unnamed[row.indicator_name].append(row)
    return named, unnamed


def _spend(version: BidVersion, rows: BenefitRows, bid_id: uuid.UUID) -> tuple[SpendLine, ...]:
    """Planned spend (the decided version's cost lines as given) beside the actual spend
    reported, by cost line and year; where sources report the same line and year, the one
    received last counts."""
    planned: dict[tuple[str, int], float] = {}
    for line in version.content.get("cost_lines") or []:
        line_id = line.get("id")
        if line_id is None:
            continue
        for flow in line.get("flows") or []:  # checked when the version was stored
            key = (str(line_id), int(flow["year"]))
            planned[key] = planned.get(key, 0.0) + float(flow["amount"])
    actual: dict[tuple[str, int], tuple[dt.datetime, float]] = {}
    for row in rows.spend.get(bid_id, []):
        key = (str(row.cost_line_id), row.year)
        if key not in actual or row.created_at >= actual[key][0]:
            actual[key] = (row.created_at, row.amount)
    return tuple(
        SpendLine(
            cost_line_id=line_id,
            year=year,
            planned=planned.get((line_id, year), 0.0),
            actual=actual[(line_id, year)][1] if (line_id, year) in actual else None,
        )
        for line_id, year in sorted(planned.keys() | actual.keys())
    )
