"""Retries with an Idempotency-Key store once and answer as the first time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from tests.app.conftest import Caller, World


def test_a_retried_bid_creation_stores_once_and_replays_the_response(world: World) -> None:
    body = {"round_id": world.round["id"], "title": "Diabetes nurses", "programme_area": "diabetes"}
    headers = {"Idempotency-Key": "bid-2017-001"}

    first = world.office.post("/v1/bids", json=body, headers=headers)
    retry = world.office.post("/v1/bids", json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["ETag"] == first.headers["ETag"]
    assert retry.headers["Location"] == first.headers["Location"]
    assert world.office.get("/v1/bids?total=true").json()["total"] == 1


def test_the_same_key_for_a_different_request_is_refused(world: World) -> None:
    body = {"round_id": world.round["id"], "title": "One", "programme_area": "diabetes"}
    world.office.post("/v1/bids", json=body, headers={"Idempotency-Key": "k1"})

    other = world.office.post(
        "/v1/bids", json={**body, "title": "Two"}, headers={"Idempotency-Key": "k1"}
    )

    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert world.office.get("/v1/bids?total=true").json()["total"] == 1


def test_keys_belong_to_the_caller(world: World) -> None:
    body = {"round_id": world.round["id"], "title": "Ours", "programme_area": "diabetes"}
    world.office.post("/v1/bids", json=body, headers={"Idempotency-Key": "shared"})

    theirs = world.other_office.post("/v1/bids", json=body, headers={"Idempotency-Key": "shared"})

    assert theirs.status_code == 201
    assert theirs.json()["footprint_id"] == world.other_footprint["id"]


def test_a_failed_request_can_be_retried_with_its_key(world: World) -> None:
    bad = {"round_id": world.round["id"], "title": "T", "programme_area": "knitting"}
    good = {**bad, "programme_area": "diabetes"}

    failed = world.office.post("/v1/bids", json=bad, headers={"Idempotency-Key": "k"})
    fixed = world.office.post("/v1/bids", json=good, headers={"Idempotency-Key": "k"})

    assert failed.status_code == 422
    assert fixed.status_code == 201


def test_concurrent_retries_store_once(admin: Caller) -> None:
    body = {"code": "QWE", "name": "South Yorkshire and Bassetlaw", "population": 1_500_000}
    start = Barrier(6)

    def post(_: int) -> int:
        start.wait()
        response = admin.post("/v1/footprints", json=body, headers={"Idempotency-Key": "fp-qwe"})
        return response.status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(post, range(6)))

    assert statuses == [201] * 6
    assert admin.get("/v1/footprints?total=true").json()["total"] == 1


def test_a_retried_round_creation_stores_once(admin: Caller) -> None:
    body = {"name": "Transformation 2018/19", "programme_areas": ["cancer"]}
    headers = {"Idempotency-Key": "round-2018"}

    first = admin.post("/v1/rounds", json=body, headers=headers)
    retry = admin.post("/v1/rounds", json=body, headers=headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert admin.get("/v1/rounds?total=true").json()["total"] == 1


def test_a_retry_spelt_with_other_spacing_and_key_order_is_the_same_request(world: World) -> None:
    round_id = world.round["id"]
    first_body = f'{{"round_id": "{round_id}", "title": "Nurses", "programme_area": "diabetes"}}'
    retry_body = f'{{ "programme_area":"diabetes",\n  "title":"Nurses","round_id":"{round_id}" }}'
    headers = {"Idempotency-Key": "respelt", "Content-Type": "application/json"}

    first = world.office.post("/v1/bids", content=first_body, headers=headers)
    retry = world.office.post("/v1/bids", content=retry_body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert world.office.get("/v1/bids?total=true").json()["total"] == 1
