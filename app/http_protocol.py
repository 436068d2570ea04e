"""The HTTP/1.1 protocol `bpv serve` runs: uvicorn's h11 one (whose header limit it sets),
with Nagle's algorithm off on every connection.

asyncio turns Nagle off only on sockets it recognises as TCP, and in uvicorn's worker processes
(`--workers 2` and more) the accepted sockets are not: no TCP_NODELAY was set on them (seen with
strace). A response written in two parts then waited for the client's delayed ACK, about 40 ms,
and two workers served half of what one did (benchmarks/bench_http.py).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayHTTPProtocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Send each write at once on a TCP transport (a Unix socket has no Nagle to turn off)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
