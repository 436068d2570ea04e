"""`bpv demo`: load the demo request bodies through the services users call; rotate the demo keys.

Loading is idempotent: footprints and organisations are found by code, the round by name and bids
by title within the round, and what exists is left as it is. Only the keys change on each run.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

from sqlalchemy.orm import Session

from app.auth import Principal
from app.demo.bodies import DemoBid, DemoOrganisation, DemoRound, demo_bids, demo_places
from app.repositories.keys import ApiKeys
from app.repositories.places import Footprints, Organisations
from app.repositories.rounds import Rounds
from app.schemas.bids import BidCreate
from app.schemas.keys import Role
from app.schemas.places import FootprintCreate, OrganisationCreate
from app.schemas.rounds import RoundUpdate
from app.services.bids import BidService
from app.services.keys import issue_key
from app.services.places import add_footprint, add_organisation
from app.services.rounds import RoundService
from app.tables import Footprint, Organisation, Round, utcnow
from bpv.lifecycle import RoundStatus

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
    places = demo_places()
    footprints = {data.code: _footprint(session, data) for data in places.footprints}
    footprint_ids = {code: row.id for code, row in footprints.items()}
    organisation_ids = {
        row.code: row.id
        for row in (_organisation(session, o, footprint_ids) for o in places.organisations)
    }
    round_ = _round(session, loader, places.round)
    service = BidService(session, loader)
    existing = _bid_titles(service, round_)
    for demo in demo_bids():
        if demo.title not in existing:
            _bid(service, demo, round_, footprint_ids, organisation_ids)
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
    session: Session, demo: DemoOrganisation, footprint_ids: dict[str, uuid.UUID]
) -> Organisation:
    data = OrganisationCreate.model_validate_json(json.dumps(demo.create_body(footprint_ids)))
    return Organisations(session).by_code(data.code) or add_organisation(session, data)


def _round(session: Session, loader: Principal, demo: DemoRound) -> Round:
    rounds = Rounds(session, loader)
    existing = next((r for r in _every(rounds.page) if r.name == demo.body.name), None)
    if existing is not None:
        return existing
    service = RoundService(session, rounds)
    round_ = service.create(demo.body)
    if demo.status is not RoundStatus.DRAFT:
        service.update(round_, RoundUpdate(status=demo.status))
    return round_


def _bid_titles(service: BidService, round_: Round) -> set[str]:
    """Titles of the round's bids as they stand (their current versions)."""
    bids = _every(lambda limit, offset: service.bids.page(limit, offset, round_id=round_.id))
    return {bid.title for bid in service.read_many(list(bids))}


def _bid(
    service: BidService,
    demo: DemoBid,
    round_: Round,
    footprint_ids: dict[str, uuid.UUID],
    organisation_ids: dict[str, uuid.UUID],
) -> None:
    body = demo.create_body(round_.id, footprint_ids, organisation_ids)
    bid = service.create(BidCreate.model_validate_json(json.dumps(body)))
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
    # Each demo role keeps its account across runs, so what it did stays its own.
    accounts = ApiKeys(session).accounts_named([KEY_PREFIX + name for _, name, _, _ in scopes])
    issued = [
        issue_key(
            session,
            server_secret,
            role,
            KEY_PREFIX + name,
            footprint_id,
            round_id,
            account.id if (account := accounts.get(KEY_PREFIX + name)) else None,
        )
        for role, name, footprint_id, round_id in scopes
    ]
    return [(key.name, key.key) for key in issued]
