"""The Procfile roles: ``signoff redis``, ``web``, ``worker``, ``scheduler`` and ``run`` (every
role under honcho); ``smtp`` and ``imap`` are in :mod:`signoff.cli.mail_roles`."""

from __future__ import annotations

import logging
import os
import sys

import click

from approvals.config import Settings, keys_dir, var_dir
from signoff import launcher
from signoff.cli.base import main, settings_engine
from signoff.cli.demo import print_logins
from signoff.cli.processes import load_processes
from signoff.startup import log_to_stderr, wait_for_redis

#: Queues the ``worker`` role consumes (``trails``: rendering, signing and exporting trails,
#: apart so that a slow render never delays a notification or a timer; ``mail``: sending mail
#: and reading replies; ``webhooks``: posting to the administrators' webhook endpoints).
QUEUES = ("outbox", "timers", "mail", "trails", "webhooks")
#: The modules that register what the actors carry out (approvals/dispatch.py).
WORK = ("mail.work", "approvals.trail.work")


@main.command()
def redis() -> None:
    """Run the embedded Redis on a unix socket in the var directory (Procfile role)."""
    from signoff.embedded_redis import run_embedded_redis

    run_embedded_redis(var_dir())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, envvar="SIGNOFF_WEB_PORT",
              help="Port to listen on [default: SIGNOFF_WEB_PORT, else PORT, else 5000].")
@click.option("--processes", "web_processes", type=click.IntRange(min=1),
              envvar="SIGNOFF_WEB_PROCESSES",
              help="Worker processes [default: SIGNOFF_WEB_PROCESSES, else one per CPU core].")
@click.option("--threads", type=click.IntRange(min=1), default=8, show_default=True,
              help="Threads in each worker process.")
def web(host: str, port: int | None, web_processes: int | None, threads: int) -> None:
    """Serve the web pages and the JSON API with gunicorn, several processes (Procfile role).

    Process files are loaded first, once, so a new or edited file takes effect on restart (a
    broken one is reported and left out; running instances keep their version). Each worker
    process then builds the app after the fork: its own database engine and Redis
    connections. SIGTERM stops gracefully."""
    from signoff import webserver

    with settings_engine() as engine:
        load_processes(engine)
    settings = Settings.from_env()
    log_to_stderr()
    processes = web_processes or webserver.default_processes()
    port = port or settings.port
    click.echo(f"signoff web: {settings.base_url} (listening on {host}:{port}, "
               f"{processes} process{'es' if processes > 1 else ''} x {threads} threads)",
               err=True)
    try:
        webserver.serve(_web_app, host=host, port=port, processes=processes, threads=threads)
    except KeyboardInterrupt:
        pass


def _web_app():
    """The WSGI app, built in each web worker process after the fork."""
    import workers.actors  # noqa: F401 - pages hand committed outbox rows to these actors
    from web import create_app

    return create_app()


@main.command()
@click.option("--processes", "worker_processes", type=int, default=1, show_default=True)
@click.option("--threads", type=int, default=4, show_default=True)
@click.option("--queues", "queues", multiple=True, type=click.Choice(QUEUES),
              default=QUEUES, show_default=True,
              help="Queues to consume (repeat the option); e.g. a separate trails worker.")
def worker(worker_processes: int, threads: int, queues: tuple[str, ...]) -> None:
    """Check the signing key, wait for Redis, then run the Dramatiq workers (Procfile role).

    A worker that consumes ``trails`` signs trails, so it refuses to start when the
    organisation's key or certificate is missing or broken: better no worker than trails that
    cannot be sealed."""
    if "trails" in queues:
        _check_signing_keys()
    wait_for_redis("worker")
    # the actors, and the packages that register the work they carry (approvals/dispatch.py)
    argv = [sys.executable, "-m", "dramatiq", "workers.actors", *WORK,
            "--processes", str(worker_processes), "--threads", str(threads),
            "--queues", *queues]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)  # nosec B606  # this Python and Dramatiq, no input


@main.command()
@click.option("--interval", type=float, default=5.0, show_default=True,
              help="Seconds between two sweeps.")
def scheduler(interval: float) -> None:
    """Wait for Redis, then re-send lost outbox rows and fire due timers (Procfile role)."""
    from workers.scheduler import run_forever

    log_to_stderr()
    wait_for_redis("scheduler")
    logging.getLogger("signoff.scheduler").info("sweeping every %g s", interval)
    try:
        run_forever(interval)
    except KeyboardInterrupt:
        pass


def _active_demo_people() -> list[str]:
    """The demo addresses active in the directory (none when it cannot be read yet)."""
    from sqlmodel import select

    from approvals.config import demo
    from approvals.store.db import read_session
    from approvals.store.models import Person

    try:
        with settings_engine() as engine, read_session(engine) as session:
            return list(session.exec(select(Person.email).where(
                Person.email.in_(demo.addresses()), Person.active)).all())
    except Exception:  # noqa: BLE001 - only a greeting: the roles report real problems
        return []


@main.command()
def run() -> None:
    """Start every Procfile role with honcho (``make run``); Ctrl-C stops them all."""
    settings = Settings.from_env()
    try:
        procfile = launcher.procfile()
    except launcher.LauncherError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Signoff: {settings.base_url}")
    demo_people = _active_demo_people()
    if demo_people:  # a real organisation's directory shows no published passwords
        print_logins(demo_people)
        click.echo("(demo people are active: `signoff doctor` says what to do before real "
                   "use)")
    click.echo("Ctrl-C stops every role.")
    try:
        status = launcher.start(launcher.command(procfile), launcher.environment(settings))
    except launcher.LauncherError as error:
        raise click.ClickException(str(error)) from None
    sys.exit(status)


def _check_signing_keys() -> None:
    from approvals.core.errors import KeyProblem
    from approvals.keys import CERT_FILE, KEY_FILE, load_keys

    folder = keys_dir()
    try:
        keys = load_keys(folder)
    except KeyProblem as error:
        # With no pair at all, the error says to run `keys init`. That never overwrites, so a
        # damaged or half-missing pair is restored, or replaced.
        advice = ""
        if any((folder / name).exists() for name in (KEY_FILE, CERT_FILE)):
            advice = (" Restore it from a backup, or put a company certificate in place of the "
                      "pair with `signoff keys import FILE.p12 --replace` (the old files move "
                      f"to {folder / 'retired'}).")
        raise click.ClickException(
            f"the worker cannot sign trails, so it does not start: {error}.{advice}") from None
    click.echo(f"signoff worker: trails are signed by {keys.subject} ({keys.key_path})",
               err=True)
