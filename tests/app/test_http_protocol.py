"""`bpv serve`'s protocol turns Nagle's algorithm off on every connection it is given."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from app.http_protocol import NoDelayHTTPProtocol


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:  # never called
    raise AssertionError("no request is sent")


def uvicorn_arguments() -> dict[str, Any]:
    config = Config(app=asgi_app, lifespan="off")
    config.load()
    return {"config": config, "server_state": ServerState(), "app_state": {}}


def no_delay_of_accepted(protocol: type[asyncio.Protocol], **arguments: Any) -> int:
    """TCP_NODELAY on the server's end of a connection, accepted on a listening socket that
    asyncio does not recognise as TCP (protocol 0, as in uvicorn's worker processes)."""

    async def accept_one() -> int:
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        unrecognised = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, listening.detach())
        loop = asyncio.get_running_loop()
        accepted: asyncio.Future[asyncio.BaseTransport] = loop.create_future()

        class Recorded(protocol):  # type: ignore[valid-type,misc]
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                super().connection_made(transport)
                accepted.set_result(transport)

        server = await loop.create_server(lambda: Recorded(**arguments), sock=unrecognised)
        port = unrecognised.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        transport = await asyncio.wait_for(accepted, 5)
        value = transport.get_extra_info("socket").getsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY
        )
        writer.close()
        transport.close()
        server.close()
        return int(value)

    return asyncio.run(accept_one())


def test_nagle_is_off_on_connections_asyncio_leaves_it_on_for() -> None:
    assert no_delay_of_accepted(asyncio.Protocol) == 0  # asyncio's own choice here
    assert no_delay_of_accepted(NoDelayHTTPProtocol, **uvicorn_arguments()) == 1
