"""Concurrent edits never lose an update: of many writers holding one ETag, exactly one wins."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from tests.app.conftest import World, good_logic_model, hypothesis_body

WRITERS = 8


def test_concurrent_patches_with_one_etag_store_exactly_one(world: World) -> None:
    bid = world.draft_bid()
    url = f"/v1/bids/{bid['id']}"
    etag = world.office.get(url).headers["ETag"]
    start = Barrier(WRITERS)

    def write(n: int) -> int:
        start.wait()
        response = world.office.patch(
            url, json={"title": f"Writer {n}"}, headers={"If-Match": etag}
        )
        return response.status_code

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(write, range(WRITERS)))

    assert sorted(statuses) == [200] + [412] * (WRITERS - 1)
    winner = statuses.index(200)
    final = world.office.get(url)
    assert final.json()["title"] == f"Writer {winner}"
    assert final.headers["ETag"] != etag


def test_concurrent_hypotheses_are_all_kept(world: World) -> None:
    bid = world.draft_bid()
    world.office.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    start = Barrier(WRITERS)

    def post(_: int) -> int:
        start.wait()
        return world.office.post(
            f"/v1/bids/{bid['id']}/hypotheses", json=hypothesis_body()
        ).status_code

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(post, range(WRITERS)))

    listed = world.office.get(f"/v1/bids/{bid['id']}/hypotheses?total=true").json()
    assert statuses == [201] * WRITERS
    assert listed["total"] == WRITERS
