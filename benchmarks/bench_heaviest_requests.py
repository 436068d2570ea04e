"""The cost of the heaviest request of each kind the limits allow: CPU seconds and peak memory.

Each kind runs in a process of its own, through the whole HTTP stack (an app on a scratch SQLite
database): the appraisal preview at its caps on lines, flows and samples x lines; a bid's
appraisal with the most cost lines and hypotheses a version may hold, its logic model at the node
and edge caps, and the most samples the budget allows; that bid's logic-model findings; and the
biggest page of a bid's versions, and of bids.
The baseline, measured in the same process, is the bare work the request cannot avoid: numpy
drawing the same multipliers and taking the matrix product, the domain's findings on the same
graph, or `json.dumps` of the same page.
Run: python benchmarks/bench_heaviest_requests.py  (or python -m benchmarks.bench_heaviest_requests)
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from app_under_test import (  # a sibling: these run as scripts
    INDICATOR,
    admin_client,
    layered_logic_model,
)

from app import translate
from app.repositories.bid_answers import PAGE_CONTENT_BUDGET
from app.schemas.appraisals import MAX_FLOWS, MAX_LINES, MAX_PREVIEW_FLOWS
from app.schemas.bids import (
    MAX_BIDS_PAGE,
    MAX_CONTENT_BYTES,
    MAX_COST_FLOWS,
    MAX_COST_LINES,
    MAX_HYPOTHESES,
    MAX_VERSIONS_PAGE,
)
from app.schemas.hypotheses import HypothesisCreate
from app.schemas.logic_models import MAX_EDGES, MAX_NODES
from bpv.appraisal import MAX_SAMPLE_CELLS, MAX_SAMPLES
from bpv.hypothesis_checks import bid_findings

SEED = 20170401
FIRST_YEAR = 1990  # 500 yearly flows from here stay inside the accepted calendar years
MAX_TRAJECTORY = 600  # HypothesisCreate.trajectory's max_length
SPREAD = {"kind": "triangular", "low": 0.8, "mode": 1.0, "high": 1.3}
# What each kind may cost at most: CPU seconds, and peak memory the request allocates (MiB).
TARGETS = {
    "preview": (1.0, 150.0),
    "bid_appraisal": (2.5, 150.0),
    "findings": (1.5, 150.0),
    "versions": (3.0, 300.0),
    "bids": (3.0, 300.0),
}


@dataclass
class Cost:
    kind: str
    what: str
    cpu_seconds: float
    peak_mib: float
    baseline_cpu_seconds: float
    baseline_peak_mib: float
    response_bytes: int


def measure(run: Callable[[], object]) -> tuple[float, float]:
    """CPU seconds of every thread of the process, then the peak traced allocation in MiB."""
    start = time.process_time()
    run()
    cpu = time.process_time() - start
    tracemalloc.start()
    tracemalloc.reset_peak()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return cpu, peak / 2**20


def bare_simulation(lines: int, samples: int) -> Callable[[], object]:
    """The floor of any Monte Carlo over `lines` uncertain lines: draws and one product."""
    pvs = np.linspace(-1e6, 1e6, lines)

    def run() -> object:
        rng = np.random.default_rng(SEED)
        draws = rng.triangular(SPREAD["low"], SPREAD["mode"], SPREAD["high"], (lines, samples))
        return np.percentile(pvs @ draws, [5, 10, 50, 90, 95])

    return run


def flows(count: int, amount: float) -> list[dict[str, Any]]:
    return [{"year": FIRST_YEAR + i, "amount": amount} for i in range(count)]


# As many flows a line as the preview's total allows, over the most lines it takes.
LINE_FLOWS = min(MAX_FLOWS, MAX_PREVIEW_FLOWS // (2 * MAX_LINES))


def preview_body() -> tuple[dict[str, Any], int]:
    samples = min(MAX_SAMPLES, MAX_SAMPLE_CELLS // (2 * MAX_LINES))
    body = {
        "base_year": FIRST_YEAR,
        "costs": [
            {"name": f"cost {i}", "kind": "revenue", "flows": flows(LINE_FLOWS, 1000.0 + i),
             "optimism_bias": 0.24, "uncertainty": SPREAD}
            for i in range(MAX_LINES)
        ],
        "benefits": [
            {"name": f"benefit {i}", "type": "cash_releasing",
             "flows": flows(LINE_FLOWS, 1500.0 + i), "deadweight": 0.1, "uncertainty": SPREAD}
            for i in range(MAX_LINES)
        ],
        "monte_carlo": {"samples": samples, "seed": SEED},
    }  # fmt: skip
    return body, samples


def logic_model(rng: random.Random) -> dict[str, Any]:
    """A layered model at the node and edge caps: every node fed by the stage before and feeding
    the stage after, then random forward edges."""
    return layered_logic_model(rng, MAX_NODES, MAX_EDGES)


def hypothesis(edge: dict[str, Any], i: int) -> dict[str, Any]:
    return {
        "edge": {"source": edge["source"], "target": edge["target"]},
        "indicator": INDICATOR,
        "baseline": {"value": 1200.0, "date": f"{FIRST_YEAR}-04-01"},
        "trajectory": [  # monthly, as long as a trajectory may be
            {"date": f"{FIRST_YEAR + 1 + m // 12}-{m % 12 + 1:02d}-01", "value": 1200.0 - m}
            for m in range(MAX_TRAJECTORY)
        ],
        "rationale": "Better control prevents crises that end in admission.",
        "evidence": {"source": f"Trial {i}", "grade": "moderate"},
        "confidence": 0.7,
        "confidence_uncertainty": {"kind": "triangular", "low": 0.5, "mode": 0.7, "high": 0.8},
        "monetisation": {"value_per_unit": 1650.0, "benefit_type": "cash_releasing"},
        "additionality": {"deadweight": 0.1, "attribution": 0.2, "drop_off": 0.05},
    }


class World:
    """An app on a scratch database, an admin key, an open round and a footprint."""

    def __init__(self, directory: Path) -> None:
        url = f"sqlite:///{directory}/bench.db"
        self.client, self.headers = admin_client(url)
        self.footprint = self.call(
            "POST", "/v1/footprints", 201, {"code": "QWE", "name": "F", "population": 1}
        )
        settings_body = {
            "base_year": FIRST_YEAR,
            "monte_carlo": {"cost_uncertainty": SPREAD},
            "confidence_weighted": True,
        }
        round_ = {"name": "Round", "programme_areas": ["diabetes"], "settings": settings_body}
        self.round = self.call("POST", "/v1/rounds", 201, round_)
        self.call("PATCH", f"/v1/rounds/{self.round['id']}", 200, {"status": "open"})

    def call(self, method: str, path: str, expect: int, body: Any = None) -> Any:
        headers = {**self.headers, "If-Match": "*"}
        response = self.client.request(method, path, json=body, headers=headers)
        assert response.status_code == expect, (path, response.status_code, response.text[:800])
        return response.json()

    def heaviest_bid(self, versions: int = 1, *, content_only: bool = False) -> str:
        """A bid whose every version holds the most cost lines, flows and hypotheses allowed,
        its logic model at the node and edge caps, and risks filling its content to the cap."""
        rng = random.Random(SEED)
        years = MAX_COST_FLOWS // MAX_COST_LINES
        cost_lines = [
            {"name": f"cost {i}", "kind": "revenue", "flows": flows(years, 1000.0 + i),
             "optimism_bias": 0.24, "uncertainty": SPREAD}
            for i in range(MAX_COST_LINES)
        ]  # fmt: skip
        # Stored lines spell out their defaults too, so leave room for those.
        room = MAX_CONTENT_BYTES - 1.1 * len(json.dumps(cost_lines))
        risk = {"description": "r" * 9_000, "mitigation": "m" * 9_000}
        risks = [{**risk, "likelihood": "low", "impact": "low"}] * int(room // 18_100)
        body = {
            "round_id": self.round["id"],
            "title": "Heaviest bid",
            "programme_area": "diabetes",
            "footprint_id": self.footprint["id"],
            "cost_lines": cost_lines,
            "risks": risks,
        }
        if not content_only:
            body["logic_model"] = logic_model(rng)
        bid = self.call("POST", "/v1/bids", 201, body)
        url = f"/v1/bids/{bid['id']}"
        if content_only:
            return url
        targets = [e for e in body["logic_model"]["edges"] if e["target"].startswith("impact")]
        for i in range(MAX_HYPOTHESES):
            self.call("POST", f"{url}/hypotheses", 201, hypothesis(targets[i], i))
        for _ in range(versions - 1):
            self.call("POST", f"{url}/submit", 200)
            self.call("POST", f"{url}/revise", 200)
        return url


def run_kind(kind: str) -> Cost:
    with tempfile.TemporaryDirectory() as directory:
        world = World(Path(directory))
        if kind == "preview":
            body, samples = preview_body()
            lines = 2 * MAX_LINES
            what = f"{lines} lines x {LINE_FLOWS} flows, {samples:,} samples"

            def request() -> Any:
                return world.client.post("/v1/appraisals", json=body, headers=world.headers)

            baseline = bare_simulation(lines, samples)
        elif kind == "bid_appraisal":
            url = world.heaviest_bid()
            lines = MAX_COST_LINES + MAX_HYPOTHESES
            samples = min(MAX_SAMPLES, MAX_SAMPLE_CELLS // lines)
            what = (
                f"{MAX_COST_LINES} cost lines, {MAX_COST_FLOWS:,} flows, "
                f"{MAX_HYPOTHESES} hypotheses, {MAX_NODES:,} nodes, {MAX_EDGES:,} edges, "
                f"{samples:,} samples"
            )

            def request() -> Any:
                path = f"{url}/appraisal?samples={samples}"
                return world.client.get(path, headers=world.headers)

            baseline = bare_simulation(lines, samples)
        elif kind == "findings":
            url = world.heaviest_bid()
            what = f"{MAX_NODES:,} nodes, {MAX_EDGES:,} edges, {MAX_HYPOTHESES} hypotheses"

            def request() -> Any:
                return world.client.get(f"{url}/logic-model/findings", headers=world.headers)

            model = world.call("GET", f"{url}/logic-model", 200)
            hypotheses = [
                {k: v for k, v in h.items() if k in HypothesisCreate.model_fields and v is not None}
                for h in world.call("GET", f"{url}/hypotheses?limit={MAX_HYPOTHESES}", 200)["items"]
            ]

            def baseline() -> object:
                graph = translate.logic_model(model)
                findings = bid_findings(graph, [translate.hypothesis(h) for h in hypotheses])
                return graph.quality(findings)

        elif kind == "bids":
            # A page ends once its contents pass PAGE_CONTENT_BUDGET: one bid more than fit.
            for _ in range(min(MAX_BIDS_PAGE, PAGE_CONTENT_BUDGET // MAX_CONTENT_BYTES + 2)):
                world.heaviest_bid(content_only=True)
            what = "a full page of bids, each with its content at the caps"

            def request() -> Any:
                return world.client.get(f"/v1/bids?limit={MAX_BIDS_PAGE}", headers=world.headers)

            page = request().json()

            def baseline() -> object:
                return json.dumps(page)

        else:
            url = world.heaviest_bid(versions=MAX_VERSIONS_PAGE)
            what = f"{MAX_VERSIONS_PAGE} versions, each as heavy as the bid appraised"
            # Text fields are short here: long ones add their bytes, up to the body limit.

            def request() -> Any:
                path = f"{url}/versions?limit={MAX_VERSIONS_PAGE}"
                return world.client.get(path, headers=world.headers)

            page = request().json()

            def baseline() -> object:
                return json.dumps(page)

        response = request()  # warm caches outside the measurement, and check the answer
        assert response.status_code == 200, response.text[:800]
        if kind == "bid_appraisal":
            assert response.json()["appraisal"]["monte_carlo"] is not None, response.text[:800]
        cpu, peak = measure(request)
        base_cpu, base_peak = measure(baseline)
        return Cost(kind, what, cpu, peak, base_cpu, base_peak, len(response.content))


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--kind":
        print(json.dumps(asdict(run_kind(sys.argv[2]))))
        return 0
    failed = False
    for kind, (cpu_target, memory_target) in TARGETS.items():
        child = subprocess.run(
            [sys.executable, __file__, "--kind", kind], capture_output=True, text=True, check=False
        )
        if child.returncode != 0:
            print(f"{kind}: FAILED to run\n{child.stderr[-3000:]}", file=sys.stderr)
            failed = True
            continue
        cost = Cost(**json.loads(child.stdout.strip().splitlines()[-1]))
        cpu_ratio = cost.cpu_seconds / cost.baseline_cpu_seconds
        memory_ratio = cost.peak_mib / cost.baseline_peak_mib
        over = cost.cpu_seconds > cpu_target or cost.peak_mib > memory_target
        print(f"{kind}: {cost.what}; response {cost.response_bytes / 2**20:.1f} MiB")
        print(
            f"  {cost.cpu_seconds:.2f} s CPU, peak {cost.peak_mib:.0f} MiB "
            f"(targets {cpu_target:g} s, {memory_target:g} MiB: {'OVER' if over else 'within'})"
        )
        print(
            f"  baseline {cost.baseline_cpu_seconds:.2f} s CPU, peak {cost.baseline_peak_mib:.0f}"
            f" MiB; ratio {cpu_ratio:.1f}x CPU, {memory_ratio:.1f}x memory"
        )
        failed |= over
    if failed:
        print("FAIL: a request of the largest allowed size is over its target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
