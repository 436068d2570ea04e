"""The `bpv` command: migrate, serve, deliver webhooks, load the demo, issue keys, write OpenAPI."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.db import make_engine, make_sessionmaker
from app.migrate import upgrade
from app.schemas.keys import Role
from app.settings import InsecureSettings, get_settings
from bpv.errors import InvalidInput

if TYPE_CHECKING:
    from fastapi import FastAPI

WORKER_STARTUP_SECONDS = 60
# Allocations between young collections in a serving process (CPython's default is 700).
YOUNG_COLLECTION_THRESHOLD = 20_000

cli = typer.Typer(help="Best Possible Value appraisal service.", no_args_is_help=True)
keys_cli = typer.Typer(help="API keys.", no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")


@cli.command()
def migrate() -> None:
    """Create or upgrade the configured database to the latest schema."""
    typer.echo(upgrade(get_settings().database_url).describe())


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (each with its own database pool).")
    ] = 1,
) -> None:
    """Serve the HTTP API (run `bpv migrate` first; put a reverse proxy in front in production)."""
    import threading

    import uvicorn

    from app.http_protocol import NoDelayHTTPProtocol
    from bpv.portfolio import start_worker_server

    settings = get_settings()
    try:
        app = served_app()
    except InsecureSettings as refusal:
        typer.echo(f"error: {refusal}", err=True)
        raise typer.Exit(2) from None
    # The process portfolio solvers fork from imports scipy once, beside the start-up, so the
    # first portfolio request does not pay for it.
    threading.Thread(target=start_worker_server, name="portfolio-workers", daemon=True).start()
    uvicorn.run(
        # Several processes each build the app from the same settings (the environment).
        app if workers == 1 else "app.cli:served_app",
        factory=workers > 1,
        workers=workers,
        # A worker that has not started within this is restarted: importing the app takes
        # seconds on a busy machine, and uvicorn's default of 5 s would restart it forever.
        timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
        host=host or settings.host,
        port=port or settings.port,
        http=NoDelayHTTPProtocol,
        server_header=False,
        timeout_keep_alive=settings.keep_alive_timeout,
        limit_concurrency=settings.max_concurrency,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        timeout_graceful_shutdown=settings.graceful_shutdown_timeout,
        log_config=_log_config(),
    )


def served_app() -> FastAPI:
    """The app `bpv serve` runs, in a process tuned for serving it."""
    import gc

    from app.main import create_app

    app = create_app(get_settings())
    # What start-up built (modules, routes, schemas) lives as long as the process: frozen, the
    # collector no longer walks it on every full collection. Young collections come less often
    # too: one request may build a graph of thousands of nodes, which would otherwise set off
    # dozens of collections that find nothing to free.
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, 20, 20)
    return app


@cli.command()
def worker() -> None:
    """Deliver webhooks and look for missing measurements until SIGTERM or SIGINT.

    Run `bpv migrate` first. Several workers may run at once.
    """
    import logging
    import signal

    from app.worker import Worker

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        runner = Worker(get_settings())
    except ValueError as refusal:
        typer.echo(f"error: {refusal}", err=True)
        raise typer.Exit(2) from None
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Set explicitly: a shell starts background jobs with SIGINT ignored (`make run`).
        signal.signal(signum, lambda *_: runner.stop())
    try:
        runner.run()
    finally:
        runner.close()


def _log_config() -> dict[str, object]:
    """uvicorn's logging, with the app's own loggers (errors under their correlation id) added."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["app"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


@cli.command()
def demo() -> None:
    """Load the demo data set (idempotent) and print a fresh demo key for each role."""
    from app.demo import load_demo

    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url, settings)
    try:
        with make_sessionmaker(engine).begin() as session:
            keys = load_demo(session, settings.secret_key.get_secret_value())
    finally:
        engine.dispose()
    typer.echo("Demo keys (shown once; `bpv demo` issues fresh ones and revokes the old):")
    for name, key in keys:
        typer.echo(f"  {name:<30} {key}")


@keys_cli.command("create")
def create_key(
    role: Annotated[
        Role, typer.Option(help="admin, programme_office, assessor, chair or integration.")
    ],
    name: Annotated[str, typer.Option(help="Who or what holds the key.")],
    footprint_id: Annotated[str | None, typer.Option(help="Footprint scope.")] = None,
    round_id: Annotated[str | None, typer.Option(help="Round scope.")] = None,
) -> None:
    """Issue a key; the key itself is printed alone on the last line."""
    from app.services.keys import issue_key

    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url, settings)
    try:
        with make_sessionmaker(engine).begin() as session:
            created = issue_key(
                session,
                settings.secret_key.get_secret_value(),
                role,
                name,
                _uuid(footprint_id, "--footprint-id"),
                _uuid(round_id, "--round-id"),
            )
    except InvalidInput as error:
        typer.echo(f"error: {error.field}: {error.message}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    typer.echo(f"Created {created.role} key {created.name!r} (id {created.id}). Keep it safe:")
    typer.echo(created.key)


@cli.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the document.")] = Path(
        "openapi/openapi.json"
    ),
) -> None:
    """Write the OpenAPI document the app generates (deterministic)."""
    from app.openapi import render_openapi

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_openapi())
    typer.echo(f"wrote {output}")


def _uuid(value: str | None, option: str) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an id", param_hint=option) from None


def main() -> None:
    cli()
