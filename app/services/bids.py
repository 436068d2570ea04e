"""Bid use cases: drafting, the logic model, hypotheses, and the lifecycle steps."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from app import translate
from app.auth import Principal
from app.problems import Conflict, FieldError, NotFound
from app.repositories.bid_answers import BidAnswers, BidFields, BidFilters, bid_fields
from app.repositories.bids import Bids
from app.repositories.pages import Fetched, Window
from app.repositories.places import Footprints, Organisations
from app.repositories.rounds import Rounds
from app.repositories.snapshots import Snapshots
from app.schemas.bids import (
    MAX_CONTENT_BYTES,
    MAX_COST_FLOWS,
    MAX_COST_LINES,
    MAX_HYPOTHESES,
    BidCreate,
    BidRead,
    BidUpdate,
    BidVersionRead,
    CostLine,
    CostLineCreate,
    CostLineRead,
    CostLineUpdate,
)
from app.schemas.hypotheses import HypothesisCreate, HypothesisRead, HypothesisUpdate
from app.schemas.keys import Role
from app.schemas.logic_models import LogicModelIn
from app.services.appraisals import appraise_version
from app.services.preconditions import check_if_match
from app.services.rounds import round_settings
from app.services.snapshots import snapshot_of
from app.tables import Bid, BidPartner, BidVersion, Hypothesis, Round, utcnow
from bpv import lifecycle
from bpv.appraisal import check_cost_line
from bpv.cost_checks import cost_findings
from bpv.errors import InvalidInput
from bpv.hypothesis_checks import bid_findings, check_hypothesis
from bpv.lifecycle import BidStatus, RoundStatus
from bpv.logic_model import Finding, Quality, Severity

CONTENT_FIELDS = ("requested_funding", "cost_lines", "risks")


@dataclass
class BidService:
    session: Session
    principal: Principal

    @property
    def bids(self) -> Bids:
        return Bids(self.session, self.principal)

    # Reading

    def get(self, bid_id: uuid.UUID, *, for_update: bool = False) -> Bid:
        bid = self.bids.get(bid_id, for_update=for_update)
        if bid is None:
            raise NotFound(f"No bid {bid_id}.")
        return bid

    def get_read(self, bid_id: uuid.UUID) -> tuple[BidFields, BidRead]:
        """The bid's fields and its answer, read in one query."""
        found = BidAnswers(self.session, self.principal).get(bid_id)
        if found is None:
            raise NotFound(f"No bid {bid_id}.")
        return found, answer_of(found)

    def read(self, bid: Bid) -> BidRead:
        return bid_read(bid, self.bids.version(bid, bid.current_version))

    def read_many(self, bids: list[Bid]) -> list[BidRead]:
        versions = self.bids.current_versions(bids)
        return [bid_read(bid, versions[bid.id]) for bid in bids]

    def page(self, window: Window, filters: BidFilters) -> tuple[list[BidRead], Fetched[BidFields]]:
        """A page of the bids the caller may see, as answers (see `BidAnswers.page`)."""
        fetched = BidAnswers(self.session, self.principal).page(window, filters)
        return BID_ANSWERS.validate_python([_read_fields(bid) for bid in fetched.rows]), fetched

    def versions(self, bid: Bid, window: Window) -> tuple[list[BidVersionRead], Fetched[Any]]:
        """A page of the bid's history; only the page's versions and hypotheses are read."""
        fetched = self.bids.versions(bid, window)
        versions = fetched.rows
        hypotheses = self.bids.hypotheses([v.id for v in versions])
        return [
            BidVersionRead(
                **_read_fields(bid_fields(bid, v)),
                logic_model=LogicModelIn.model_validate(v.logic_model),
                hypotheses=[
                    hypothesis_read(bid, v, h) for h in hypotheses if h.bid_version_id == v.id
                ],
            )
            for v in versions
        ], fetched

    def current(self, bid: Bid) -> BidVersion:
        return self.bids.version(bid, bid.current_version)

    def hypotheses(self, bid: Bid) -> list[HypothesisRead]:
        version = self.current(bid)
        return [hypothesis_read(bid, version, h) for h in self.bids.hypotheses([version.id])]

    def findings(self, bid: Bid) -> tuple[tuple[Finding, ...], Quality]:
        version = self.current(bid)
        model = translate.logic_model(version.logic_model)
        hypotheses = [translate.hypothesis(h.body) for h in self.bids.hypotheses([version.id])]
        findings = bid_findings(model, hypotheses)
        round_ = self.session.get(Round, bid.round_id)
        assert round_ is not None  # a bid's round always exists (foreign key)
        weights = translate.quality_weights(round_settings(round_).quality_weights)
        return findings, model.quality(findings, weights)

    # Writing

    def create(self, data: BidCreate) -> Bid:
        self.principal.require(Role.PROGRAMME_OFFICE)
        _check_cost_lines(data.cost_lines)
        round_ = self._open_round(data.round_id)
        _check_programme_area(round_, data.programme_area)
        footprint_id = self._footprint_for(data.footprint_id)
        self._check_organisations(data.lead_organisation_id, data.partner_ids, footprint_id)
        bid = Bid(
            footprint_id=footprint_id,
            round_id=round_.id,
            status=BidStatus.DRAFT,
            current_version=1,
        )
        version = BidVersion(
            number=1,
            title=data.title,
            programme_area=data.programme_area,
            lead_organisation_id=data.lead_organisation_id,
            intervention=data.intervention,
            content=_bounded(
                _identified(_content(data.model_dump(mode="json", include=set(CONTENT_FIELDS))), [])
            ),
            logic_model=(data.logic_model or LogicModelIn()).model_dump(mode="json"),
            partners=_partners(data.partner_ids),
        )
        return self.bids.add(bid, version)

    def update(self, bid: Bid, data: BidUpdate, if_match: str | None) -> Bid:
        version = self._editable(bid, if_match, required=True)
        _check_cost_lines(data.cost_lines)
        changes = data.model_dump(exclude_unset=True, mode="json")
        if changes.get("programme_area") is not None:
            round_ = self.session.get(Round, bid.round_id)
            assert round_ is not None
            _check_programme_area(round_, changes["programme_area"])
        self._check_organisations(
            data.lead_organisation_id if "lead_organisation_id" in changes else None,
            data.partner_ids,
            bid.footprint_id,
        )
        for field in ("title", "programme_area", "intervention", "lead_organisation_id"):
            if field in changes:
                if changes[field] is None and field in ("title", "programme_area"):
                    raise InvalidInput(f"{field} cannot be removed", field)
                setattr(version, field, getattr(data, field))
        content = dict(version.content)
        for field in CONTENT_FIELDS:
            if field in changes:
                content[field] = changes[field] or []
        if "cost_lines" in changes:
            content = _identified(content, _lines(version))
        version.content = _bounded(content)
        if "partner_ids" in changes:
            version.partners = _partners(data.partner_ids)
        return self._touch(bid)

    def put_logic_model(self, bid: Bid, model: LogicModelIn, if_match: str | None) -> Bid:
        version = self._editable(bid, if_match, required=True)
        version.logic_model = model.model_dump(mode="json")
        return self._touch(bid)

    def add_hypothesis(self, bid: Bid, data: HypothesisCreate) -> HypothesisRead:
        version = self._editable(bid, None, required=False)
        _check_hypothesis(version, data)
        existing = self.bids.count_hypotheses(version.id)
        if existing >= MAX_HYPOTHESES:
            raise Conflict(
                f"A bid version holds at most {MAX_HYPOTHESES} hypotheses; this one is full.",
                errors=[
                    FieldError(
                        field="hypotheses",
                        location="body",
                        message=f"at most {MAX_HYPOTHESES} hypotheses per bid version",
                        type="too_long",
                    )
                ],
            )
        row = self.bids.add_hypothesis(
            Hypothesis(
                bid_version_id=version.id,
                stable_id=uuid.uuid4(),
                ordinal=self.bids.next_ordinal(version.id),
                indicator_name=data.indicator.name,
                body=data.model_dump(mode="json"),
            )
        )
        self._touch(bid)
        return hypothesis_read(bid, version, row)

    def hypothesis(self, bid: Bid, hypothesis_id: uuid.UUID) -> Hypothesis:
        """The current version's copy of the hypothesis, or 404."""
        row = self.bids.hypothesis(self.current(bid).id, hypothesis_id)
        if row is None:
            raise NotFound(f"No hypothesis {hypothesis_id} in the bid's current version.")
        return row

    def read_hypothesis(self, bid: Bid, row: Hypothesis) -> HypothesisRead:
        return hypothesis_read(bid, self.current(bid), row)

    def update_hypothesis(
        self, bid: Bid, hypothesis_id: uuid.UUID, data: HypothesisUpdate, if_match: str | None
    ) -> HypothesisRead:
        """Change the fields given; the result is checked as a new hypothesis would be."""
        version = self._editable(bid, if_match, required=True)
        row = self.hypothesis(bid, hypothesis_id)
        changes = data.model_dump(exclude_unset=True, mode="json")
        for field in _REQUIRED_HYPOTHESIS_FIELDS:
            if field in changes and changes[field] is None:
                raise InvalidInput(f"{field} cannot be removed", field)
        body = {**row.body, **changes}
        # A hypothesis sits on an edge or a path: moving it to one takes it off the other.
        if changes.get("edge") is not None and "path" not in changes:
            body["path"] = None
        if changes.get("path") is not None and "edge" not in changes:
            body["edge"] = None
        merged = HypothesisCreate.model_validate(body)
        _check_hypothesis(version, merged)
        row.body = merged.model_dump(mode="json")
        row.indicator_name = merged.indicator.name
        self._touch(bid)
        return hypothesis_read(bid, version, row)

    def delete_hypothesis(self, bid: Bid, hypothesis_id: uuid.UUID, if_match: str | None) -> Bid:
        self._editable(bid, if_match, required=True)
        self.bids.delete_hypothesis(self.hypothesis(bid, hypothesis_id))
        return self._touch(bid)

    def cost_lines(self, bid: Bid) -> list[CostLineRead]:
        return [CostLineRead.model_validate(line) for line in _lines(self.current(bid))]

    def cost_line(self, bid: Bid, line_id: uuid.UUID) -> CostLineRead:
        lines = _lines(self.current(bid))
        return CostLineRead.model_validate(lines[_line_index(lines, line_id)])

    def add_cost_line(self, bid: Bid, data: CostLineCreate) -> CostLineRead:
        version = self._editable(bid, None, required=False)
        lines = _lines(version)
        if len(lines) >= MAX_COST_LINES:
            raise Conflict(
                f"A bid version holds at most {MAX_COST_LINES} cost lines; this one is full.",
                errors=[
                    FieldError(
                        field="cost_lines",
                        location="body",
                        message=f"at most {MAX_COST_LINES} cost lines per bid version",
                        type="too_long",
                    )
                ],
            )
        line = {**data.model_dump(mode="json"), "id": str(uuid.uuid4())}
        self._store_lines(bid, version, [*lines, line], len(lines))
        return CostLineRead.model_validate(line)

    def update_cost_line(
        self, bid: Bid, line_id: uuid.UUID, data: CostLineUpdate, if_match: str | None
    ) -> CostLineRead:
        version = self._editable(bid, if_match, required=True)
        lines = _lines(version)
        index = _line_index(lines, line_id)
        changes = data.model_dump(exclude_unset=True, mode="json")
        for field in ("name", "kind", "flows"):
            if field in changes and changes[field] is None:
                raise InvalidInput(f"{field} cannot be removed", field)
        line = CostLine.model_validate({**lines[index], **changes}).model_dump(mode="json")
        self._store_lines(bid, version, [*lines[:index], line, *lines[index + 1 :]], index)
        return CostLineRead.model_validate(line)

    def delete_cost_line(self, bid: Bid, line_id: uuid.UUID, if_match: str | None) -> Bid:
        version = self._editable(bid, if_match, required=True)
        lines = _lines(version)
        index = _line_index(lines, line_id)
        version.content = {**version.content, "cost_lines": lines[:index] + lines[index + 1 :]}
        return self._touch(bid)

    def _store_lines(
        self, bid: Bid, version: BidVersion, lines: list[dict[str, Any]], changed: int
    ) -> None:
        """Store the version's new cost lines, `changed` the index of the one that changed."""
        line = CostLine.model_validate(lines[changed])
        try:
            check_cost_line(translate.bid_cost_line(line), "line")
        except InvalidInput as error:  # the body is the line itself: name its own fields
            error.field = (error.field or "").removeprefix("line.") or None
            raise
        flows = sum(len(each["flows"]) for each in lines)
        if flows > MAX_COST_FLOWS:
            raise InvalidInput(
                f"at most {MAX_COST_FLOWS:,} flows over all cost lines, got {flows:,}", "flows"
            )
        version.content = _bounded({**version.content, "cost_lines": lines})
        self._touch(bid)

    def submit(self, bid: Bid, if_match: str | None) -> Bid:
        self._require_owner(bid, if_match)
        new_status = lifecycle.submitted(BidStatus(bid.status))
        round_ = self.session.get(Round, bid.round_id)
        if round_ is None or round_.status != RoundStatus.OPEN:
            raise Conflict("The round is not open for submissions.")
        version = self.current(bid)
        findings, _ = self.findings(bid)
        model_errors = [f for f in findings if f.severity is Severity.ERROR]
        cost_lines = [
            translate.bid_cost_line(CostLine.model_validate(line))
            for line in version.content.get("cost_lines") or []
        ]
        cost_errors = list(cost_findings(cost_lines))
        if model_errors or cost_errors:
            reasons = []
            if model_errors:
                reasons.append("the logic model has errors")
            if cost_errors:
                reasons.append("the bid has no costs (cost_lines)")
            raise Conflict(
                f"Submission is blocked: {' and '.join(reasons)}.",
                findings=[
                    translate.finding_out(f).model_dump() for f in model_errors + cost_errors
                ],
            )
        version.submitted_at = utcnow()
        bid.status = new_status
        _, quality = self.findings(bid)
        appraisal = appraise_version(round_, version, self.bids.hypotheses([version.id]), quality)
        Snapshots(self.session).add(snapshot_of(version, appraisal))
        return self._touch(bid)

    def withdraw(self, bid: Bid, if_match: str | None) -> Bid:
        self._require_owner(bid, if_match)
        status = lifecycle.withdrawn(BidStatus(bid.status))
        if self.bids.decision_exists(bid):
            raise Conflict("The panel has decided on this bid; it can no longer be withdrawn.")
        bid.status = status
        return self._touch(bid)

    def revise(self, bid: Bid, if_match: str | None) -> Bid:
        self._require_owner(bid, if_match)
        bid.status = lifecycle.revised(BidStatus(bid.status))
        previous = self.current(bid)
        revision = self.bids.add_version(
            BidVersion(
                bid_id=bid.id,
                number=previous.number + 1,
                title=previous.title,
                programme_area=previous.programme_area,
                lead_organisation_id=previous.lead_organisation_id,
                intervention=previous.intervention,
                content=dict(previous.content),
                logic_model=dict(previous.logic_model),
                partners=_partners([p.organisation_id for p in previous.partners]),
            )
        )
        for h in self.bids.hypotheses([previous.id]):
            self.bids.add_hypothesis(
                Hypothesis(
                    bid_version_id=revision.id,
                    stable_id=h.stable_id,
                    ordinal=h.ordinal,
                    indicator_name=h.indicator_name,
                    body=dict(h.body),
                )
            )
        bid.current_version = revision.number
        return self._touch(bid)

    def start_delivery(self, bid: Bid, if_match: str | None) -> Bid:
        self.principal.require_admin()
        check_if_match(if_match, bid.version, required=False)
        bid.status = lifecycle.delivery_started(BidStatus(bid.status))
        return self._touch(bid)

    def close(self, bid: Bid, if_match: str | None) -> Bid:
        self.principal.require_admin()
        check_if_match(if_match, bid.version, required=False)
        bid.status = lifecycle.delivery_closed(BidStatus(bid.status))
        return self._touch(bid)

    # Rules shared by the steps above

    def _require_owner(self, bid: Bid, if_match: str | None) -> None:
        self.principal.require(Role.PROGRAMME_OFFICE)
        check_if_match(if_match, bid.version, required=False)

    def _editable(self, bid: Bid, if_match: str | None, *, required: bool) -> BidVersion:
        self.principal.require(Role.PROGRAMME_OFFICE)
        check_if_match(if_match, bid.version, required=required)
        lifecycle.ensure_editable(BidStatus(bid.status))
        return self.current(bid)

    def _touch(self, bid: Bid) -> Bid:
        # The bid row's version is the ETag of the whole bid, so any change to it bumps it.
        bid.updated_at = utcnow()
        self.session.flush()
        return bid

    def _open_round(self, round_id: uuid.UUID) -> Round:
        round_ = Rounds(self.session, self.principal).get(round_id)
        if round_ is None:
            raise InvalidInput(f"No round {round_id}.", "round_id")
        if round_.status != RoundStatus.OPEN:
            raise Conflict(f"Round {round_.name!r} is {round_.status}, not open for bids.")
        return round_

    def _footprint_for(self, requested: uuid.UUID | None) -> uuid.UUID:
        own = self.principal.footprint_id
        if own is not None:
            if requested is not None and requested != own:
                raise InvalidInput("A programme office bids for its own footprint.", "footprint_id")
            return own
        if requested is None:
            raise InvalidInput("footprint_id is required for an admin.", "footprint_id")
        if Footprints(self.session).get(requested) is None:
            raise InvalidInput(f"No footprint {requested}.", "footprint_id")
        return requested

    def _check_organisations(
        self,
        lead_id: uuid.UUID | None,
        partner_ids: list[uuid.UUID] | None,
        footprint_id: uuid.UUID,
    ) -> None:
        organisations = Organisations(self.session)
        if lead_id is not None:
            lead = organisations.get(lead_id)
            if lead is None:
                raise InvalidInput(f"No organisation {lead_id}.", "lead_organisation_id")
            if footprint_id not in {f.id for f in lead.footprints}:
                raise InvalidInput(
                    "The lead organisation must belong to the bid's footprint.",
                    "lead_organisation_id",
                )
        for i, partner_id in enumerate(partner_ids or []):
            if organisations.get(partner_id) is None:
                raise InvalidInput(f"No organisation {partner_id}.", f"partner_ids[{i}]")
            if partner_id in (partner_ids or [])[:i]:
                raise InvalidInput(
                    f"Organisation {partner_id} is listed twice.", f"partner_ids[{i}]"
                )


def _check_programme_area(round_: Round, area: str) -> None:
    if area not in round_.programme_areas:
        raise InvalidInput(
            f"Round programme areas are {', '.join(round_.programme_areas)}.", "programme_area"
        )


_REQUIRED_HYPOTHESIS_FIELDS = (
    "indicator",
    "baseline",
    "trajectory",
    "rationale",
    "evidence",
    "confidence",
)


def _check_hypothesis(version: BidVersion, data: HypothesisCreate) -> None:
    hypothesis = translate.hypothesis(data)
    check_hypothesis(translate.logic_model(version.logic_model), hypothesis)
    translate.hypothesis_uncertainty(data).inputs(hypothesis)  # raises naming the field


def _lines(version: BidVersion) -> list[dict[str, Any]]:
    return list(version.content.get("cost_lines") or [])


def _line_index(lines: list[dict[str, Any]], line_id: uuid.UUID) -> int:
    for index, line in enumerate(lines):
        if line.get("id") == str(line_id):
            return index
    raise NotFound(f"No cost line {line_id} in the bid's current version.")


def _identified(content: dict[str, Any], current: list[dict[str, Any]]) -> dict[str, Any]:
    """The content with an id on every cost line: a line naming an id of the `current`
    version's lines keeps it, a line without one gets a new one; any other id is refused."""
    known = {line.get("id") for line in current} - {None}
    seen: set[str] = set()
    lines = []
    for index, line in enumerate(content.get("cost_lines") or []):
        given = line.get("id")
        if given is None:
            given = str(uuid.uuid4())
        elif given not in known:
            raise InvalidInput(
                f"No cost line {given} in the bid's current version; leave the id out for a "
                "new line.",
                f"cost_lines[{index}].id",
            )
        elif given in seen:
            raise InvalidInput(f"Cost line {given} is listed twice.", f"cost_lines[{index}].id")
        seen.add(given)
        lines.append({**line, "id": given})
    return {**content, "cost_lines": lines}


def _check_cost_lines(lines: list[CostLine] | None) -> None:
    for index, line in enumerate(lines or []):
        check_cost_line(translate.bid_cost_line(line), f"cost_lines[{index}]")


def _bounded(content: dict[str, Any]) -> dict[str, Any]:
    """The content, unless its JSON is over the cap: then 422 naming its largest field."""
    sizes = {field: len(json.dumps(value)) for field, value in content.items()}
    if sum(sizes.values()) > MAX_CONTENT_BYTES:
        largest = max(sizes, key=lambda field: sizes[field])
        raise InvalidInput(
            f"a bid's cost lines, risks, funding and partners may take at most "
            f"{MAX_CONTENT_BYTES:,} bytes of JSON; {largest} takes {sizes[largest]:,}",
            largest,
        )
    return content


def _content(values: dict[str, Any]) -> dict[str, Any]:
    return {field: values.get(field) or [] for field in CONTENT_FIELDS}


def _partners(organisation_ids: list[uuid.UUID] | None) -> list[BidPartner]:
    return [
        BidPartner(position=position, organisation_id=organisation_id)
        for position, organisation_id in enumerate(organisation_ids or [])
    ]


def bid_read(bid: Bid, version: BidVersion) -> BidRead:
    return answer_of(bid_fields(bid, version))


def answer_of(bid: BidFields) -> BidRead:
    return BidRead(**_read_fields(bid))


def _read_fields(bid: BidFields) -> dict[str, Any]:
    is_current = bid["number"] == bid["current_version"]
    return dict(
        id=bid["id"],
        round_id=bid["round_id"],
        footprint_id=bid["footprint_id"],
        status=BidStatus(bid["status"]) if is_current else BidStatus.SUBMITTED,
        version=bid["number"],
        title=bid["title"],
        programme_area=bid["programme_area"],
        lead_organisation_id=bid["lead_organisation_id"],
        intervention=bid["intervention"],
        created_at=bid["created_at"],
        updated_at=bid["updated_at"],
        submitted_at=bid["submitted_at"],
        partner_ids=bid["partner_ids"],
        **_content(bid["content"]),
    )


# A page validated in one call: pydantic's per-model entry costs more than the bids' checks.
BID_ANSWERS = TypeAdapter(list[BidRead])


def hypothesis_read(bid: Bid, version: BidVersion, row: Hypothesis) -> HypothesisRead:
    return HypothesisRead(
        id=row.stable_id,
        bid_id=bid.id,
        bid_version=version.number,
        created_at=row.created_at,
        **{
            "edge": None,
            "path": None,
            "confidence_uncertainty": None,
            "monetisation": None,
            "additionality": None,
            **row.body,
        },
    )
