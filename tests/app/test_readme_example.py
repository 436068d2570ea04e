"""The README's worked example, run as written with bash and curl against a real server, twice."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SECRET

README = Path(__file__).parents[2] / "README.md"
BPV = Path(sys.executable).parent / "bpv"


def worked_example() -> str:
    """Every ```sh block of the README's worked-example section, in order, as one script."""
    text = README.read_text()
    section = text[text.index("## Worked example") :]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"^```sh\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)
    return "".join(blocks)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def json_values(text: str) -> list[Any]:
    """The JSON values printed one after another, as jq prints them."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while (at := _skip_space(text, at)) < len(text):
        value, at = decoder.raw_decode(text, at)
        values.append(value)
    return values


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """`bpv serve` on a free port of the test database; the environment the example runs in."""
    url = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "BPV_DATABASE_URL": database_url, "BPV_SECRET_KEY": SECRET}
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [str(BPV), "serve", "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1]],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the server did not start within 30 s"
            time.sleep(0.2)
        yield {**env, "BPV_URL": url}
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def run_example(env: dict[str, str], workdir: Path) -> subprocess.CompletedProcess[str]:
    # The example calls `.venv/bin/bpv`, as after `make run`; here that is this interpreter's.
    venv_bin = workdir / ".venv" / "bin"
    venv_bin.mkdir(parents=True, exist_ok=True)
    if not (venv_bin / "bpv").exists():
        (venv_bin / "bpv").symlink_to(BPV)
    script = workdir / "example.sh"
    script.write_text(worked_example())
    return subprocess.run(
        ["bash", str(script)], cwd=workdir, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_example_is_one_script_that_fails_loudly() -> None:
    script = worked_example()

    assert script.startswith("set -euo pipefail\n")
    assert "--fail-with-body" in script
    assert "localhost:8000" not in script.replace("${BPV_URL:-http://localhost:8000}", "")


def test_the_worked_example_submits_a_bid_and_shows_its_appraisal_twice(
    server: dict[str, str], tmp_path: Path
) -> None:
    runs = [run_example(server, tmp_path) for _ in range(2)]

    appraisals = []
    for run in runs:
        assert run.returncode == 0, run.stderr
        values = json_values(run.stdout)
        at = values.index({"status": "submitted", "version": 1})
        findings, appraisal = values[at - 1], values[at + 1]
        assert findings == {"quality": 1.0, "findings": []}
        assert appraisal["pv_costs"] > 0
        assert appraisal["npsv"] == appraisal["pv_benefits"] - appraisal["pv_costs"]
        assert appraisal["payback_year"] != 2017
        appraisals.append(appraisal)
        # The panel's part: scored, ranked first and inside the envelope, approved, decided.
        scored, ranked, decided = values[at + 3], values[at + 4], values[at + 5]
        assert values[at + 2] == {"status": "closed"}
        assert scored == {"scores": [4, 3]}
        assert ranked["rank"] == 1 and ranked["inside_line"] is True
        assert ranked["rank_range"] == [1, 1] and ranked["p_above_line"] == 1.0
        assert decided == {"outcomes": ["approved"]}
        assert values[at + 6 :] == [{"status": "decided"}, {"status": "approved"}]
    assert appraisals[0] == appraisals[1]  # the same bid twice, so the same figures


def test_a_refused_request_stops_the_example_with_the_problem(
    server: dict[str, str], tmp_path: Path
) -> None:
    # A key issued under another server secret is refused: the first request must stop the run.
    refused = run_example({**server, "BPV_SECRET_KEY": "another-secret"}, tmp_path)

    assert refused.returncode != 0
    assert "POST /v1/footprints failed:" in refused.stderr
    assert "urn:bpv:problem:unauthorized" in refused.stderr
    assert refused.stderr.count("failed:") == 1
    assert refused.stdout == ""
