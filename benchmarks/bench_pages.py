"""Times every page under /app/ on the demo data: each GET route of the pages, in process through
the ASGI app on a scratch SQLite database with `bpv demo` loaded, signed in through the sign-in
form as the first demo role that may open it (the chair, a programme office, an assessor, the
administrator), ids taken from the demo. Fails when a page's 95th percentile is over 300 ms.

Run: python benchmarks/bench_pages.py  (or python -m benchmarks.bench_pages)
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import make_engine
from app.demo import load_demo
from app.demo.load import KEY_PREFIX
from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings

SECRET = "bench-secret"
REQUESTS = 30
LIMIT_SECONDS = 0.300
# Who opens each page: the first of these that the page answers 200.
ROLES = ("chair Gillian Marsh", "programme office QF7", "assessor Ayesha Rahman", "admin")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(client: TestClient, key: str | None) -> None:
    """Sign in through the form (or out, with no key): the session cookie stays on `client`."""
    client.cookies.clear()
    if key is None:
        return
    page = client.get("/app/sign-in")
    token = TOKEN.search(page.text)
    assert token is not None, "the sign-in form carries no token"
    answer = client.post(
        "/app/sign-in",
        data={"key": key, "csrf_token": token.group(1), "next": "/app/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def demo_ids(client: TestClient, admin_key: str) -> dict[str, str]:
    """A value for each path parameter the pages take, from the demo: the decided round, its
    funded bid with the most data, the programme office's footprint."""
    headers = {"Authorization": f"Bearer {admin_key}"}
    rounds = client.get("/v1/rounds", headers=headers).json()["items"]
    bids = client.get("/v1/bids", params={"limit": 20}, headers=headers).json()["items"]
    footprints = client.get("/v1/footprints", headers=headers).json()["items"]
    bid = next(b for b in bids if b["title"].startswith("Integrated urgent care"))
    return {
        "round_id": next(r["id"] for r in rounds if r["status"] == "decided"),
        "bid_id": bid["id"],
        "footprint_id": next(f["id"] for f in footprints if f["code"] == "QF7"),
    }


def page_paths(app: FastAPI, ids: dict[str, str]) -> list[str]:
    """Every GET route under /app/ (included routers' too), its parameters filled in."""
    paths = []
    for context in iter_route_contexts(app.routes):
        route, template = context.original_route, context.path or ""
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        if not template.startswith("/app/") or template.startswith("/app/static"):
            continue
        path = template
        for name in re.findall(r"{(\w+)}", path):
            if name not in ids:
                print(f"skipped {template}: no demo value for {{{name}}}")
                break
            path = path.replace(f"{{{name}}}", ids[name])
        else:
            paths.append(path)
    return sorted(set(paths))


def time_page(client: TestClient, path: str) -> list[float]:
    client.get(path)  # warm caches outside the timing
    seconds = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        answer = client.get(path, follow_redirects=False)
        seconds.append(time.perf_counter() - start)
        assert answer.status_code == 200, (path, answer.status_code)
    return seconds


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'pages.db'}"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session, session.begin():
            keys = {name.removeprefix(KEY_PREFIX): key for name, key in load_demo(session, SECRET)}
        engine.dispose()
        settings = Settings(
            database_url=url,
            secret_key=SECRET,
            rate_limit_requests=1_000_000,
            auth_failures_max=1_000_000,
        )
        app = create_app(settings)
        failed = []
        with TestClient(app) as client:
            ids = demo_ids(client, keys["admin"])
            print(
                f"{REQUESTS} requests a page, in process, SQLite, demo data; target p95 < "
                f"{LIMIT_SECONDS * 1000:.0f} ms"
            )
            for path in page_paths(app, ids):
                for role in (None, *ROLES) if path == "/app/sign-in" else ROLES:
                    signed_in(client, None if role is None else keys[role])
                    if client.get(path, follow_redirects=False).status_code == 200:
                        break
                else:
                    print(f"{path}: no demo role opens it (a redirect or a refusal); skipped")
                    continue
                seconds = time_page(client, path)
                median = statistics.median(seconds)
                p95 = statistics.quantiles(seconds, n=20)[-1]
                verdict = "ok" if p95 < LIMIT_SECONDS else "OVER"
                if p95 >= LIMIT_SECONDS:
                    failed.append(path)
                shown = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path)
                print(
                    f"{shown:<32} as {role or 'nobody':<22} median {median * 1000:6.1f} ms  "
                    f"p95 {p95 * 1000:6.1f} ms  {verdict}"
                )
    if failed:
        print(f"over the target: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
