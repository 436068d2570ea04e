"""A round taken to its ranking: bids submitted with the funding they ask for, the round closed,
and the panel's scores in place."""

from __future__ import annotations

from typing import Any

from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body, nurse_costs


def submitted_bid(
    world: World,
    caller: Caller | None = None,
    *,
    title: str,
    funding: float | dict[int, float],
    **fields: Any,
) -> dict[str, Any]:
    """A bid of the world's round, submitted, asking for `funding` pounds in 2017 (or pounds
    by financial year)."""
    caller = caller or world.office
    by_year = funding if isinstance(funding, dict) else {2017: funding}
    bid = world.draft_bid(
        caller,
        title=title,
        cost_lines=[nurse_costs()],
        requested_funding=[{"year": y, "amount": amount} for y, amount in by_year.items()],
        **fields,
    )
    put = caller.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    assert put.status_code == 200, put.text
    caller.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())
    submitted = caller.post(f"/v1/bids/{bid['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    result: dict[str, Any] = submitted.json()
    return result


class Panel:
    """The round's panel at work through the API: assessors' scores, the chair's moderations."""

    def __init__(self, world: World) -> None:
        self.world = world

    @property
    def path(self) -> str:
        return f"/v1/rounds/{self.world.round['id']}"

    def assessor(self, name: str) -> Caller:
        """A new assessor of the round (an account of its own)."""
        body = {"role": "assessor", "name": name, "round_id": self.world.round["id"]}
        return Caller(
            self.world.admin.client, self.world.admin.created("/v1/api-keys", body)["key"]
        )

    def assess(self, bid_id: str, assessor: Caller, **scores: float) -> None:
        body = {
            "bid_id": bid_id,
            "scores": [{"criterion": key, "score": score} for key, score in scores.items()],
        }
        assessor.created(f"{self.path}/assessments", body)

    def moderate(self, bid_id: str, score: float, reason: str) -> None:
        body = {"bid_id": bid_id, "weighted_score": score, "reason": reason}
        self.world.chair.created(f"{self.path}/moderations", body)


def set_envelope(world: World, envelope: dict[str, Any]) -> None:
    moved = world.admin.patch(
        f"/v1/rounds/{world.round['id']}", json={"envelope": envelope}, headers={"If-Match": "*"}
    )
    assert moved.status_code == 200, moved.text
