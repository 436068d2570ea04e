"""`bpv serve` in a subprocess on a free port of 127.0.0.1, for what only a real server shows."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

# Importing the app takes seconds; on a shared two-core machine under load, many more.
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    url: str

    def kill(self) -> None:
        """`kill -9`: no shutdown, no chance to finish what was in flight."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextmanager
def live_server(database_url: str, secret_key: str, **env: str) -> Iterator[LiveServer]:
    port = free_port()
    environment = {
        **os.environ,
        "BPV_DATABASE_URL": database_url,
        "BPV_SECRET_KEY": secret_key,
        # The tests' bursts of requests all come from one address; the limits have tests of
        # their own (tests/app/test_limits.py).
        "BPV_RATE_LIMIT_REQUESTS": "1000000",
        "BPV_AUTH_FAILURES_MAX": "1000000",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LiveServer(process, f"http://127.0.0.1:{port}")
    try:
        _wait_until_up(server)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"bpv serve exited with {server.process.returncode}")
        try:
            if httpx.get(server.url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"bpv serve did not answer within {STARTUP_SECONDS} s")
