"""The demo site's API, as the browser tests use it to set a scene and to check what a page
did: a client per demo key, and the open demo round taken to closed with bids to decide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from app.demo.bodies import demo_bids
from tests.web.conftest import DemoSite

FIRST_ROUND = "Transformation Fund 2017/18"
SECOND_ROUND = "Transformation Fund 2017/18, second wave"


@dataclass
class Api:
    site: DemoSite

    def as_(self, role: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.site.url,
            headers={"Authorization": f"Bearer {self.site.keys[role]}"},
            timeout=30,
        )

    def get(self, role: str, path: str, **params: Any) -> Any:
        with self.as_(role) as client:
            response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def send(self, role: str, method: str, path: str, body: Any, **headers: str) -> Any:
        with self.as_(role) as client:
            response = client.request(method, path, json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def round_id(self, name: str) -> str:
        rounds = self.get("admin", "/v1/rounds", limit=200)["items"]
        return str(next(r["id"] for r in rounds if r["name"] == name))

    def bid_id(self, title_start: str) -> str:
        bids = self.get("admin", "/v1/bids", limit=20)["items"]
        return str(next(b["id"] for b in bids if b["title"].startswith(title_start)))

    def close_second_round(self) -> str:
        """The open demo round with two bids submitted (its own draft, and the crisis-care bid
        drafted again for it), closed, and scored by its assessor; its id."""
        round_id = self.round_id(SECOND_ROUND)
        footprints = {f["code"]: f["id"] for f in self.get("admin", "/v1/footprints")["items"]}
        organisations = {
            o["code"]: o["id"] for o in self.get("admin", "/v1/organisations", limit=200)["items"]
        }
        crisis = next(b for b in demo_bids() if b.title.startswith("Crisis care"))
        body = crisis.create_body(round_id, footprints, organisations)  # type: ignore[arg-type]
        office = f"programme office {crisis.footprint}"
        created = self.send(office, "POST", "/v1/bids", {**body, "title": "Crisis care, wave 2"})
        path = f"/v1/bids/{created['id']}"
        self.send(
            office, "PUT", f"{path}/logic-model", crisis.logic_model_body(), **{"If-Match": "*"}
        )
        for hypothesis in crisis.hypothesis_bodies():
            self.send(office, "POST", f"{path}/hypotheses", hypothesis)
        self.send(office, "POST", f"{path}/submit", None)
        draft = self.bid_id("Extended access")
        self.send("programme office QOQ", "POST", f"/v1/bids/{draft}/submit", None)
        self.send(
            "admin", "PATCH", f"/v1/rounds/{round_id}", {"status": "closed"}, **{"If-Match": "*"}
        )
        for bid_id, (fit, deliverability) in ((created["id"], (4, 2)), (draft, (3, 4))):
            scores = [
                {"criterion": "strategic_fit", "score": fit},
                {"criterion": "deliverability", "score": deliverability},
            ]
            self.send(
                "assessor, round 2",
                "POST",
                f"/v1/rounds/{round_id}/assessments",
                {"bid_id": bid_id, "scores": scores},
            )
        return round_id
