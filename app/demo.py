"""`bpv demo`: load the demo data set through the service layer and rotate the demo keys.

Loading is idempotent: footprints and organisations are found by code, the round by name and bids
by title within the round, and what exists is left as it is. Only the keys change on each run.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

from sqlalchemy.orm import Session

from app.auth import Principal
from app.demo_data import BIDS, FOOTPRINTS, ORGANISATIONS, ROUND, DemoBid, DemoOrganisation
from app.repositories.keys import ApiKeys
from app.repositories.places import Footprints, Organisations
from app.repositories.rounds import Rounds
from app.schemas.bids import BidCreate
from app.schemas.keys import Role
from app.schemas.places import FootprintCreate, OrganisationCreate
from app.schemas.rounds import RoundCreate
from app.services.bids import BidService
from app.services.keys import issue_key
from app.services.places import add_footprint, add_organisation
from app.services.rounds import new_round
from app.tables import Footprint, Organisation, Round, utcnow
from bpv.lifecycle import RoundStatus, round_moved

KEY_PREFIX = "demo "
PAGE_SIZE = 100

T = TypeVar("T")


def load_demo(session: Session, server_secret: str) -> list[tuple[str, str]]:
    """Load whatever is missing of the demo data set; return (name, key) for each new demo key.

    Keys are stored hashed and shown once, so every run revokes the previous demo keys and
    issues fresh ones: an admin, a programme office per demo footprint, an assessor and a chair
    on the demo round, and an integration for the first footprint.
    """
    loader = Principal(uuid.uuid4(), Role.ADMIN)
    footprints = {data.code: _footprint(session, data) for data in FOOTPRINTS}
    organisations = {o.code: _organisation(session, o, footprints) for o in ORGANISATIONS}
    round_ = _round(session, loader, ROUND)
    service = BidService(session, loader)
    existing = _bid_titles(service, round_)
    for demo in BIDS:
        if demo.title not in existing:
            _bid(service, demo, round_, footprints, organisations)
    return _rotate_keys(session, server_secret, list(footprints.values()), round_)


def _every(fetch: Callable[[int, int], tuple[list[T], int]]) -> Iterator[T]:
    """Every row of a paged repository query, page by page."""
    offset = 0
    while True:
        rows, total = fetch(PAGE_SIZE, offset)
        yield from rows
        offset += PAGE_SIZE
        if offset >= total:
            return


def _footprint(session: Session, data: FootprintCreate) -> Footprint:
    return Footprints(session).by_code(data.code) or add_footprint(session, data)


def _organisation(
    session: Session, demo: DemoOrganisation, footprints: dict[str, Footprint]
) -> Organisation:
    organisations = Organisations(session)
    existing = organisations.by_code(demo.code)
    if existing is not None:
        return existing
    member_ids = [footprints[code].id for code in demo.footprints]
    data = OrganisationCreate(
        code=demo.code, name=demo.name, kind=demo.kind, footprint_ids=member_ids
    )
    return add_organisation(session, data)


def _round(session: Session, loader: Principal, data: RoundCreate) -> Round:
    rounds = Rounds(session, loader)
    existing = next((r for r in _every(rounds.page) if r.name == data.name), None)
    if existing is not None:
        return existing
    round_ = rounds.add(new_round(data))
    round_.status = round_moved(RoundStatus.DRAFT, RoundStatus.OPEN)
    session.flush()
    return round_


def _bid_titles(service: BidService, round_: Round) -> set[str]:
    """Titles of the round's bids as they stand (their current versions)."""
    bids = _every(lambda limit, offset: service.bids.page(limit, offset, round_id=round_.id))
    return {bid.title for bid in service.read_many(list(bids))}


def _bid(
    service: BidService,
    demo: DemoBid,
    round_: Round,
    footprints: dict[str, Footprint],
    organisations: dict[str, Organisation],
) -> None:
    bid = service.create(
        BidCreate(
            round_id=round_.id,
            footprint_id=footprints[demo.footprint].id,
            title=demo.title,
            programme_area=demo.programme_area,
            lead_organisation_id=organisations[demo.lead].id,
            partner_ids=[organisations[code].id for code in demo.partners],
            intervention=demo.intervention,
            requested_funding=demo.requested_funding,
            cost_lines=list(demo.cost_lines),
            risks=list(demo.risks),
        )
    )
    service.put_logic_model(bid, demo.logic_model, if_match="*")
    for hypothesis in demo.hypotheses:
        service.add_hypothesis(bid, hypothesis)
    if demo.submit:
        service.submit(bid, if_match=None)


def _rotate_keys(
    session: Session, server_secret: str, footprints: list[Footprint], round_: Round
) -> list[tuple[str, str]]:
    for old in ApiKeys(session).active_named(KEY_PREFIX):
        old.revoked_at = utcnow()
    session.flush()
    scopes: list[tuple[Role, str, uuid.UUID | None, uuid.UUID | None]] = [
        (Role.ADMIN, "admin", None, None),
        *((Role.PROGRAMME_OFFICE, f"programme office {f.code}", f.id, None) for f in footprints),
        (Role.ASSESSOR, "assessor", None, round_.id),
        (Role.CHAIR, "chair", None, round_.id),
        (Role.INTEGRATION, f"integration {footprints[0].code}", footprints[0].id, None),
    ]
    issued = [
        issue_key(session, server_secret, role, KEY_PREFIX + name, footprint_id, round_id)
        for role, name, footprint_id, round_id in scopes
    ]
    return [(key.name, key.key) for key in issued]
