"""The ``signoff`` command line: the database, people, process files, the audit chain, the demo
organisation, and the Procfile roles (``redis``, ``web``, ``worker``, ``scheduler``, ``smtp``,
``imap`` (in :mod:`signoff.mail_roles`), ``run``).

Every command reads its configuration with :meth:`approvals.config.Settings.from_env`. A domain
refusal (:class:`approvals.core.errors.SignoffError`) or a database that cannot be reached ends the
command with its message on stderr and exit status 1, never with a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

from approvals.clock import utcnow
from approvals.config import Settings, keys_dir, var_dir
from approvals.core.errors import DefinitionError, NotFound, SignoffError, StoreUnavailable
from approvals.definitions import load_file
from approvals.store import audit, db, directory, registry
from approvals.store.models import Instance
from signoff import demo, launcher
from signoff.startup import log_to_stderr, wait_for_redis

#: Queues the ``worker`` role consumes (``trails``: rendering, signing and exporting trails,
#: apart so that a slow render never delays a notification or a timer; ``mail``: sending mail
#: and reading replies).
QUEUES = ("outbox", "timers", "mail", "trails")


class _Cli(click.Group):
    """Turns domain refusals and database failures into a message and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StoreUnavailable as error:
            raise click.ClickException(_unavailable(str(error), error.__cause__)) from None
        except SignoffError as error:
            raise click.ClickException(str(error)) from None
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            # raised outside a session, e.g. by the migrations connecting
            raise click.ClickException(_unavailable("the database is unavailable", error)) \
                from None
        except sa_exc.ArgumentError as error:
            raise click.ClickException(f"DATABASE_URL is not usable: {error}") from None


def _unavailable(message: str, cause: BaseException | None) -> str:
    detail = str(getattr(cause, "orig", None) or cause or "").strip()
    if not detail:
        return message
    hint = ' (run "signoff db upgrade" first)' if "no such table" in detail else ""
    return f"{message}: {detail}{hint}"


@click.group(cls=_Cli)
def main() -> None:
    """Signoff: approval and HR workflows over email, with a signed audit trail."""


@contextmanager
def _engine() -> Iterator[Engine]:
    engine = db.make_engine(Settings.from_env().database_url)
    try:
        yield engine
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------- db


@main.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Create the tables, or bring them to the newest migration."""
    url = Settings.from_env().database_url
    shown = make_url(url).render_as_string(hide_password=True)
    head = ScriptDirectory.from_config(db.alembic_config(url)).get_current_head()
    with _engine() as engine, engine.connect() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
    if before == head:
        click.echo(f"database {shown} is already at the newest schema ({head})")
        return
    db.upgrade(url)
    click.echo(f"database {shown} upgraded from {before or 'an empty database'} to {head}")


# ---------------------------------------------------------------------------- people


@main.group()
def people() -> None:
    """The directory of people: import, passwords, API tokens."""


@people.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def people_import(file: Path) -> None:
    """Create or update people from a CSV file; all rows or none.

    Columns: email,name,locale,manager_email,department,roles,aliases (roles and aliases are
    separated by ";"). Importing the same file again updates the people in it.
    """
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file} is not UTF-8 text ({error.reason} at byte "
                                   f"{error.start}); save it as CSV UTF-8") from None
    with _engine() as engine, db.write_session(engine) as session:
        report = directory.import_people(session, text)
    click.echo(f"created {report.created}, updated {report.updated}")


@people.command("token")
@click.argument("email")
def people_token(email: str) -> None:
    """Issue an API token for EMAIL and print it alone (for ``Authorization: Bearer``)."""
    with _engine() as engine, db.write_session(engine) as session:
        person = _active_person(session, email)
        token = directory.issue_token(session, person, utcnow())
    click.echo(token)


@people.command("password")
@click.argument("email")
@click.option("--password", help="The new password (for scripts); prompted for otherwise.")
def people_password(email: str, password: str | None) -> None:
    """Set the password EMAIL signs in to the web pages with."""
    with _engine() as engine:
        with db.read_session(engine) as session:
            _active_person(session, email)  # refuse before asking for a password
        if password is None:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        if not password:
            raise click.ClickException("the password must not be empty")
        with db.write_session(engine) as session:
            person = _active_person(session, email)
            directory.set_password(person, password)
            session.add(person)
    click.echo(f"password set for {person.email}")


def _active_person(session, email: str):
    try:
        person = directory.find_person(session, email)
    except NotFound:
        raise click.ClickException(f"no person with the address {email.strip().lower()} "
                                   "(import them with `signoff people import`)") from None
    if not person.active:
        raise click.ClickException(f"{person.email} is not active")
    return person


# ---------------------------------------------------------------------------- processes


@main.group()
def processes() -> None:
    """Process files: check them, load them into the database."""


@processes.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def processes_check(files: tuple[Path, ...]) -> None:
    """Check process FILES (by default every file Signoff loads) and name each problem's file,
    line and field."""
    paths = list(files) or registry.process_files()
    if not paths:
        raise click.ClickException("no process files found")
    failed = 0
    ids: dict[str, Path] = {}
    for path in paths:
        try:
            process = load_file(path)
            if process.id in ids:
                raise DefinitionError(str(path), None, "id", f"process id {process.id!r} is "
                                      f"already defined in {ids[process.id]}")
        except DefinitionError as error:
            failed += 1
            click.echo(str(error), err=True)
            continue
        ids[process.id] = path
        click.echo(f"OK {path} ({process.id})")
    if failed:
        click.echo(f"{failed} of {len(paths)} process files failed", err=True)
        sys.exit(1)


@processes.command("load")
def processes_load() -> None:
    """Store a new version of every changed process file; running instances keep theirs."""
    with _engine() as engine:
        ok = _load_processes(engine)
    if not ok:
        sys.exit(1)


def _load_processes(engine: Engine) -> bool:
    """Load and sync every process file, print what changed; False if a file is broken."""
    found, errors = registry.load_all()
    with db.write_session(engine) as session:
        added = registry.sync(session, found, utcnow())
        lines = [f"loaded {row.process_id} version {row.version} from {row.path}"
                 for row in added]
    for line in lines:
        click.echo(line)
    unchanged = len(found) - len(added)
    if unchanged:
        click.echo(f"{unchanged} process{'es' if unchanged != 1 else ''} unchanged")
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} process file{'s' if len(errors) != 1 else ''} not loaded; "
                   "the others were", err=True)
    return not errors


# ---------------------------------------------------------------------------- audit


@main.group("audit")
def audit_group() -> None:
    """The hash-chained audit trail."""


@audit_group.command("verify")
@click.argument("instance_id", type=int)
def audit_verify(instance_id: int) -> None:
    """Recompute INSTANCE_ID's audit chain; exit status 0 only if it is intact."""
    with _engine() as engine, db.read_session(engine) as session:
        if session.get(Instance, instance_id) is None:
            raise click.ClickException(f"no instance {instance_id}")
        report = audit.verify(session, instance_id)
    click.echo(str(report))
    if not report.ok:
        sys.exit(1)


# ---------------------------------------------------------------------------- keys and trails


@main.group("keys")
def keys_group() -> None:
    """The organisation's key and certificate that sign the trails (in var/keys/)."""


@keys_group.command("init")
@click.option("--org", "org_name", default="Signoff", show_default=True,
              help="The organisation's name, as the certificate shows it.")
def keys_init(org_name: str) -> None:
    """Create a private key and a self-signed organisation certificate (mode 0600); existing
    keys are never overwritten."""
    from approvals.trail import init_keys, load_keys

    init_keys(keys_dir(), org_name)
    _describe_keys(load_keys(keys_dir()), "created")


@keys_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--password", help="The PKCS#12 file's password (for scripts); prompted for "
                                 "otherwise.")
@click.option("--replace", is_flag=True, help="Replace the current keys; they move to "
                                              "var/keys/retired/ and still verify old trails.")
def keys_import(file: Path, password: str | None, replace: bool) -> None:
    """Sign trails with a company certificate: the key and certificate chain of FILE.p12."""
    from approvals.trail import import_keys, load_keys

    if password is None:
        password = click.prompt("Password of " + file.name, hide_input=True, default="",
                                show_default=False)
    import_keys(keys_dir(), file, password, replace=replace)
    _describe_keys(load_keys(keys_dir()), "imported")


@keys_group.command("show")
def keys_show() -> None:
    """Print the organisation's certificate: subject, validity and SHA-256 fingerprint."""
    from approvals.trail import load_certificates

    _describe_keys(load_certificates(keys_dir()), "current")


def _describe_keys(keys, what: str) -> None:
    click.echo(f"{what}: {keys.cert_path}")
    click.echo(f"  subject:  {keys.subject}")
    click.echo(f"  valid until {keys.valid_until:%Y-%m-%d}")
    click.echo(f"  SHA-256 fingerprint: {keys.fingerprint}")
    if keys.former:
        click.echo(f"  {len(keys.former)} retired certificate(s) still verify older trails")
    click.echo("Publish the fingerprint: auditors compare it with the signer of a trail.")


@main.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cert", "cert_file", type=click.Path(exists=True, dir_okay=False,
                                                     path_type=Path),
              help="The organisation's certificate (PEM or DER) [default: var/keys/].")
def verify(file: Path, cert_file: Path | None) -> None:
    """Check a trail FILE.pdf: its signature covers the whole file and is the organisation's,
    and, next to the database, its chain head and event count match the stored audit chain.
    Exit status 0 only if everything checked passed."""
    from approvals.trail import load_certificates, verify_trail
    from approvals.trail.keys import CERT_FILE, certificate_of

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # the verdict lines say it all
    certs = None
    if cert_file is not None:
        try:
            certs = certificate_of(cert_file.read_bytes())
        except (ValueError, TypeError):
            raise click.ClickException(f"{cert_file} is not a certificate (PEM or DER)") \
                from None
    elif (keys_dir() / CERT_FILE).exists():
        certs = load_certificates(keys_dir())  # a corrupt file is an error naming it
    else:
        click.echo(f"NOTE  no organisation certificate in {keys_dir()}: the signer is shown, "
                   "not compared (use --cert FILE)")
    pdf = file.read_bytes()
    with _reachable_db() as session:
        report = verify_trail(pdf, cert=certs, session=session)
    for line in report.lines:
        click.echo(line)
    if not report.ok:
        sys.exit(1)


@contextmanager
def _reachable_db() -> Iterator:
    """A read session on DATABASE_URL, or None (with a note) when it cannot be reached."""
    from sqlmodel import select

    url = Settings.from_env().database_url
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        click.echo(f"NOTE  no database at {shown}: the signature alone is verified")
        yield None
        return
    engine = db.make_engine(url)
    try:
        with db.read_session(engine) as session:
            try:
                session.exec(select(Instance.id).limit(1)).first()
            except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.ProgrammingError) \
                    as error:
                detail = str(getattr(error, "orig", error)).strip().splitlines()[0]
                click.echo(f"NOTE  the database {shown} cannot be reached ({detail}): the "
                           "signature alone is verified")
                yield None
                return
            yield session
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------- demo


@main.group("demo")
def demo_group() -> None:
    """The demo organisation (every demo person's password is "demo")."""


@demo_group.command("load")
def demo_load() -> None:
    """Load the shipped processes and the demo people; running it again updates them."""
    with _engine() as engine:
        ok = _load_processes(engine)
        with db.write_session(engine) as session:
            report = demo.load_people(session)
    click.echo(f"demo people: created {report.created}, updated {report.updated}")
    _print_logins()
    if not ok:
        sys.exit(1)


def _print_logins() -> None:
    click.echo(f'Demo logins (password "{demo.PASSWORD}"):')
    for line in demo.describe_logins():
        click.echo(line)


# ---------------------------------------------------------------------------- roles


@main.command()
def redis() -> None:
    """Run the embedded Redis on a unix socket in the var directory (Procfile role)."""
    from signoff.embedded_redis import run_embedded_redis

    run_embedded_redis(var_dir())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, envvar="SIGNOFF_WEB_PORT",
              help="Port to listen on [default: SIGNOFF_WEB_PORT, else PORT, else 5000].")
@click.option("--threads", type=int, default=8, show_default=True)
def web(host: str, port: int | None, threads: int) -> None:
    """Serve the web pages and the JSON API with waitress (Procfile role).

    Process files are loaded first, so a new or edited file takes effect on restart (a broken
    one is reported and left out; running instances keep their version)."""
    import waitress

    import workers.actors  # noqa: F401 - pages hand committed outbox rows to these actors
    from web import create_app

    with _engine() as engine:
        _load_processes(engine)
    settings = Settings.from_env()
    log_to_stderr()
    app = create_app()
    click.echo(f"signoff web: {settings.base_url} (listening on {host}:{port or settings.port})",
               err=True)
    try:
        waitress.serve(app, host=host, port=port or settings.port, threads=threads)
    except KeyboardInterrupt:
        pass


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
    argv = [sys.executable, "-m", "dramatiq", "workers.actors",
            "--processes", str(worker_processes), "--threads", str(threads),
            "--queues", *queues]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)


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


@main.command()
def run() -> None:
    """Start every Procfile role with honcho (``make run``); Ctrl-C stops them all."""
    settings = Settings.from_env()
    try:
        procfile = launcher.procfile()
    except launcher.LauncherError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Signoff: {settings.base_url}")
    _print_logins()
    click.echo("Ctrl-C stops every role.")
    try:
        status = launcher.start(launcher.command(procfile), launcher.environment(settings))
    except launcher.LauncherError as error:
        raise click.ClickException(str(error)) from None
    sys.exit(status)


def _check_signing_keys() -> None:
    from approvals.core.errors import KeyProblem
    from approvals.trail import load_keys
    from approvals.trail.keys import CERT_FILE, KEY_FILE

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


def _add_mail_roles() -> None:
    from signoff import mail_roles

    main.add_command(mail_roles.smtp)
    main.add_command(mail_roles.imap)


_add_mail_roles()
