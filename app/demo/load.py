"""`bpv demo`: load the demo request bodies through the services users call; rotate the demo keys.

Loading is idempotent: footprints and organisations are found by code, rounds by name and bids
by title within their round, and what exists is left as it is. The first round is taken through
the panel's whole job when it is first made: bids submitted, conflicts declared, assessments,
a moderation, decisions, decided. Its funded bids then get their realised data, each batch
sent as its footprint's integration sends it (a bid that has measurements is left as it is),
and a scan publishes the alerts for periods whose measurement is missing. Only the keys change
on each run.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from app.auth import Principal
from app.demo.bodies import (
    DemoBid,
    DemoOrganisation,
    DemoPanel,
    DemoRound,
    demo_bids,
    demo_measurements,
    demo_panel,
    demo_places,
)
from app.repositories.benefits import BenefitsData
from app.repositories.bid_answers import BidFilters
from app.repositories.keys import ApiKeys
from app.repositories.pages import Fetched, Window
from app.repositories.places import Footprints, Organisations
from app.repositories.rounds import Rounds
from app.schemas.assessments import AssessmentCreate, ScoreIn
from app.schemas.bids import BidCreate
from app.schemas.conflicts import ConflictCreate
from app.schemas.decisions import DecisionsCreate
from app.schemas.keys import Role
from app.schemas.measurements import MeasurementBatchIn
from app.schemas.moderations import ModerationCreate
from app.schemas.places import FootprintCreate, OrganisationCreate
from app.schemas.rounds import RoundUpdate
from app.services.assessments import AssessmentService
from app.services.benefit_alerts import review_due, scan_missing
from app.services.benefits import today
from app.services.bids import BidService
from app.services.conflicts import ConflictService
from app.services.decisions import DecisionService
from app.services.keys import issue_key
from app.services.measurements import MeasurementService
from app.services.moderations import ModerationService
from app.services.places import add_footprint, add_organisation
from app.services.rounds import RoundService
from app.tables import (
    Account,
    Bid,
    Footprint,
    Organisation,
    Round,
    utcnow,
)
from bpv.lifecycle import RoundStatus

KEY_PREFIX = "demo "
PAGE_SIZE = 100

T = TypeVar("T")


@dataclass(frozen=True)
class DemoAccount:
    """A demo role: its key's name, role and scope."""

    name: str
    role: Role
    footprint_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None


def load_demo(session: Session, server_secret: str) -> list[tuple[str, str]]:
    """Load whatever is missing of the demo data set; return (name, key) for each new demo key.

    Keys are stored hashed and shown once, so every run revokes the previous demo keys and
    issues fresh ones: an admin, a programme office per demo footprint, the first round's three
    assessors and chair, an assessor and a chair of the open round, and an integration per
    demo footprint.
    """
    loader = Principal(uuid.uuid4(), Role.ADMIN)
    places = demo_places()
    footprints = [_footprint(session, data) for data in places.footprints]
    footprint_ids = {row.code: row.id for row in footprints}
    organisation_ids = {
        row.code: row.id
        for row in (_organisation(session, o, footprint_ids) for o in places.organisations)
    }
    panel = demo_panel()
    rounds: list[Round] = []
    for index, demo in enumerate(places.rounds):
        round_, is_new = _round(session, loader, demo)
        rounds.append(round_)
        bids = [b for b in demo_bids() if b.round == index]
        if index == 0:
            accounts = _accounts(session, server_secret, _panel_roles(panel, round_))
            if is_new:
                _panel_at_work(
                    session, round_, bids, panel, accounts, footprint_ids, organisation_ids
                )
            _realised(session, server_secret, round_, bids, _integrations(footprints))
        else:
            service = BidService(session, loader)
            existing = _bid_titles(service, round_)
            for bid in bids:
                if bid.title not in existing:
                    _bid(service, bid, round_, footprint_ids, organisation_ids)
    roles = [
        DemoAccount("admin", Role.ADMIN),
        *(
            DemoAccount(f"programme office {f.code}", Role.PROGRAMME_OFFICE, f.id)
            for f in footprints
        ),
        *_panel_roles(panel, rounds[0]),
        *(
            role
            for number, round_ in enumerate(rounds[1:], start=2)
            for role in (
                DemoAccount(f"assessor, round {number}", Role.ASSESSOR, round_id=round_.id),
                DemoAccount(f"chair, round {number}", Role.CHAIR, round_id=round_.id),
            )
        ),
        *_integrations(footprints),
    ]
    return _rotate_keys(session, server_secret, roles)


def _integrations(footprints: list[Footprint]) -> list[DemoAccount]:
    return [DemoAccount(f"integration {f.code}", Role.INTEGRATION, f.id) for f in footprints]


def _realised(
    session: Session,
    server_secret: str,
    round_: Round,
    bids: list[DemoBid],
    integrations: list[DemoAccount],
) -> None:
    """The round's funded bids' realised data, each batch from its footprint's integration (a
    bid that has measurements already is left as it is); then their review (alerts for
    verdicts off track) and the scan for missing periods."""
    accounts = _accounts(session, server_secret, integrations)
    # A batch records the key it came with: each integration's current demo key.
    key_ids = {
        key.account_id: key.id for key in ApiKeys(session).active_named(KEY_PREFIX + "integration ")
    }
    senders = {}
    for role in integrations:
        account_id = accounts[KEY_PREFIX + role.name].account
        principal = Principal(
            key_ids[account_id], Role.INTEGRATION, role.footprint_id, account_id=account_id
        )
        senders[role.footprint_id] = MeasurementService(session, principal)
    service = BidService(session, Principal(uuid.uuid4(), Role.ADMIN))
    found = _every(lambda window: service.bids.page(window, BidFilters(round_id=round_.id)))
    by_title = {bid.title: bid for bid in service.read_many(list(found))}
    data = BenefitsData(session)
    for batch in demo_measurements().batches:
        bid = by_title[bids[batch.bid - 1].title]
        if data.has_measurements(bid.id):
            continue
        body = batch.body(bid.id, [str(line.id) for line in bid.cost_lines])
        senders[bid.footprint_id].ingest(MeasurementBatchIn.model_validate_json(json.dumps(body)))
    while review_due(session, today()):  # the off-track bid's alert waits in the outbox
        pass
    scan_missing(session, today())


def _panel_roles(panel: DemoPanel, round_: Round) -> list[DemoAccount]:
    return [
        *(
            DemoAccount(f"assessor {name}", Role.ASSESSOR, round_id=round_.id)
            for name in panel.assessors
        ),
        DemoAccount(f"chair {panel.chair}", Role.CHAIR, round_id=round_.id),
    ]


def _panel_at_work(
    session: Session,
    round_: Round,
    bids: list[DemoBid],
    panel: DemoPanel,
    accounts: dict[str, Principal],
    footprint_ids: dict[str, uuid.UUID],
    organisation_ids: dict[str, uuid.UUID],
) -> None:
    """The first round from open to decided, each step through the service users call."""
    loader = Principal(uuid.uuid4(), Role.ADMIN)
    offices = BidService(session, loader)
    numbered: dict[int, Bid] = {}
    for number, demo in enumerate(bids, start=1):
        numbered[number] = _bid(offices, demo, round_, footprint_ids, organisation_ids)
    assessors = [accounts[KEY_PREFIX + f"assessor {name}"] for name in panel.assessors]
    chair = accounts[KEY_PREFIX + f"chair {panel.chair}"]
    for conflict in panel.conflicts:
        ConflictService(session, assessors[conflict.assessor]).declare(
            round_,
            ConflictCreate(footprint_id=footprint_ids[conflict.footprint], reason=conflict.reason),
        )
    rounds = RoundService(session, Rounds(session, loader))
    rounds.update(round_, RoundUpdate(status=RoundStatus.CLOSED))
    for assessment in panel.assessments:
        scores = [
            ScoreIn(criterion=criterion, score=score, comment=comment)
            for criterion, (score, comment) in assessment.scores.items()
        ]
        AssessmentService(session, assessors[assessment.assessor]).score(
            round_, AssessmentCreate(bid_id=numbered[assessment.bid].id, scores=scores)
        )
    for moderation in panel.moderations:
        ModerationService(session, chair).moderate(
            round_,
            ModerationCreate(
                bid_id=numbered[moderation.bid].id,
                weighted_score=moderation.weighted_score,
                reason=moderation.reason,
            ),
        )
    decisions = [
        {
            "bid_id": str(numbered[decision.bid].id),
            "outcome": decision.outcome,
            "rationale": decision.rationale,
            **({"conditions": decision.conditions} if decision.conditions else {}),
        }
        for decision in panel.decisions
    ]
    DecisionService(session, chair).record(
        round_, DecisionsCreate.model_validate({"decisions": decisions})
    )
    rounds.update(round_, RoundUpdate(status=RoundStatus.DECIDED))


def _every(fetch: Callable[[Window], Fetched[T]]) -> Iterator[T]:
    """Every row of a paged repository query, page by page."""
    window = Window(PAGE_SIZE)
    while True:
        fetched = fetch(window)
        yield from fetched.rows
        if fetched.next_cursor is None:
            return
        window = Window(PAGE_SIZE, cursor=fetched.next_cursor)


def _footprint(session: Session, data: FootprintCreate) -> Footprint:
    return Footprints(session).by_code(data.code) or add_footprint(session, data)


def _organisation(
    session: Session, demo: DemoOrganisation, footprint_ids: dict[str, uuid.UUID]
) -> Organisation:
    data = OrganisationCreate.model_validate_json(json.dumps(demo.create_body(footprint_ids)))
    return Organisations(session).by_code(data.code) or add_organisation(session, data)


def _round(session: Session, loader: Principal, demo: DemoRound) -> tuple[Round, bool]:
    """The demo round, and whether it is new; a new round is opened for its bids."""
    rounds = Rounds(session, loader)
    existing = next((r for r in _every(rounds.page) if r.name == demo.body.name), None)
    if existing is not None:
        return existing, False
    service = RoundService(session, rounds)
    round_ = service.create(demo.body)
    if demo.status is not RoundStatus.DRAFT:
        service.update(round_, RoundUpdate(status=RoundStatus.OPEN))
    return round_, True


def _bid_titles(service: BidService, round_: Round) -> set[str]:
    """Titles of the round's bids as they stand (their current versions)."""
    bids = _every(lambda window: service.bids.page(window, BidFilters(round_id=round_.id)))
    return {bid.title for bid in service.read_many(list(bids))}


def _bid(
    service: BidService,
    demo: DemoBid,
    round_: Round,
    footprint_ids: dict[str, uuid.UUID],
    organisation_ids: dict[str, uuid.UUID],
) -> Bid:
    body = demo.create_body(round_.id, footprint_ids, organisation_ids)
    bid = service.create(BidCreate.model_validate_json(json.dumps(body)))
    service.put_logic_model(bid, demo.logic_model, if_match="*")
    for hypothesis in demo.hypotheses:
        service.add_hypothesis(bid, hypothesis)
    if demo.submit:
        service.submit(bid, if_match=None)
    return bid


def _accounts(
    session: Session, server_secret: str, roles: list[DemoAccount]
) -> dict[str, Principal]:
    """A principal acting for each role's account, the account made (with a key) if new."""
    names = [KEY_PREFIX + role.name for role in roles]
    existing = ApiKeys(session).accounts_named(names)
    principals = {}
    for role, name in zip(roles, names, strict=True):
        account = existing.get(name)
        if account is None:
            issued = issue_key(
                session, server_secret, role.role, name, role.footprint_id, role.round_id
            )
            account_id = issued.account_id
        else:
            account_id = account.id
        principals[name] = Principal(
            uuid.uuid4(), role.role, role.footprint_id, role.round_id, account_id
        )
    return principals


def _rotate_keys(
    session: Session, server_secret: str, roles: list[DemoAccount]
) -> list[tuple[str, str]]:
    for old in ApiKeys(session).active_named(KEY_PREFIX):
        old.revoked_at = utcnow()
    session.flush()
    # Each demo role keeps its account across runs, so what it did stays its own.
    accounts: dict[str, Account] = ApiKeys(session).accounts_named(
        [KEY_PREFIX + role.name for role in roles]
    )
    issued = [
        issue_key(
            session,
            server_secret,
            role.role,
            KEY_PREFIX + role.name,
            role.footprint_id,
            role.round_id,
            account.id if (account := accounts.get(KEY_PREFIX + role.name)) else None,
        )
        for role in roles
    ]
    return [(key.name, key.key) for key in issued]
