"""Keys belong to accounts: a key can be rotated or revoked, and who did what stays with the
account."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.tables import Account, Bid
from tests.app.conftest import Caller, World


def office_key(world: World, **fields: str) -> dict[str, str]:
    body = {"role": "programme_office", "name": "PMO", "footprint_id": world.footprint["id"]}
    return world.admin.created("/v1/api-keys", {**body, **fields})


def test_a_new_key_gets_an_account_of_its_own(world: World) -> None:
    first = office_key(world)
    second = office_key(world)

    assert first["account_id"] != second["account_id"]


def test_a_rotated_key_acts_for_the_same_account(world: World) -> None:
    old = office_key(world)
    new = office_key(world, account_id=old["account_id"], name="PMO, rotated")

    assert new["account_id"] == old["account_id"]
    assert new["id"] != old["id"]
    caller = Caller(world.admin.client, new["key"])
    assert caller.get("/v1/bids").status_code == 200


def test_a_key_for_an_account_must_take_its_role_and_scope(world: World) -> None:
    old = office_key(world)

    other_footprint = world.admin.post(
        "/v1/api-keys",
        json={
            "role": "programme_office",
            "name": "PMO",
            "footprint_id": world.other_footprint["id"],
            "account_id": old["account_id"],
        },
    )
    unknown = world.admin.post(
        "/v1/api-keys",
        json={
            "role": "programme_office",
            "name": "PMO",
            "footprint_id": world.footprint["id"],
            "account_id": "00000000-0000-4000-8000-000000000000",
        },
    )

    assert other_footprint.status_code == unknown.status_code == 422
    assert other_footprint.json()["errors"][0]["field"] == "footprint_id"
    assert unknown.json()["errors"][0]["field"] == "account_id"


def test_a_revoked_key_is_refused_at_once_and_its_work_is_kept(
    world: World, engine: Engine
) -> None:
    issued = office_key(world)
    caller = Caller(world.admin.client, issued["key"])
    bid = world.draft_bid(caller)

    revoked = world.admin.request("DELETE", f"/v1/api-keys/{issued['id']}")

    assert revoked.status_code == 204
    assert caller.get("/v1/bids").status_code == 401
    listed = {k["id"]: k for k in world.admin.get("/v1/api-keys?limit=200").json()["items"]}
    assert listed[issued["id"]]["revoked_at"] is not None
    with Session(engine) as session:
        assert session.get(Bid, uuid.UUID(bid["id"])) is not None
        account = session.scalar(select(Account).where(Account.name == "PMO"))
        assert account is not None and str(account.id) == issued["account_id"]
    successor = office_key(world, account_id=issued["account_id"])
    assert Caller(world.admin.client, successor["key"]).get(f"/v1/bids/{bid['id']}").is_success


def test_revoking_is_for_administrators_and_names_a_real_key(world: World) -> None:
    issued = office_key(world)

    by_office = world.office.request("DELETE", f"/v1/api-keys/{issued['id']}")
    unknown = world.admin.request("DELETE", "/v1/api-keys/00000000-0000-4000-8000-000000000000")
    again = [world.admin.request("DELETE", f"/v1/api-keys/{issued['id']}") for _ in range(2)]

    assert by_office.status_code == 403
    assert unknown.status_code == 404
    assert [r.status_code for r in again] == [204, 204]
