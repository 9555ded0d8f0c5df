"""``signoff keys`` (the organisation's signing key and certificate) and ``signoff verify``
(checking a signed trail)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from approvals.config import Settings, keys_dir
from approvals.store import db
from approvals.store.models import Instance
from signoff.cli.base import main


@main.group("keys")
def keys_group() -> None:
    """The organisation's key and certificate that sign the trails (in var/keys/)."""


@keys_group.command("init")
@click.option("--org", "org_name", default="Signoff", show_default=True,
              help="The organisation's name, as the certificate shows it.")
def keys_init(org_name: str) -> None:
    """Create a private key and a self-signed organisation certificate (mode 0600); existing
    keys are never overwritten."""
    from approvals.keys import init_keys, load_keys

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
    from approvals.keys import import_keys, load_keys

    if password is None:
        password = click.prompt("Password of " + file.name, hide_input=True, default="",
                                show_default=False)
    import_keys(keys_dir(), file, password, replace=replace)
    _describe_keys(load_keys(keys_dir()), "imported")


@keys_group.command("show")
def keys_show() -> None:
    """Print the organisation's certificate: subject, validity and SHA-256 fingerprint."""
    from approvals.keys import load_certificates

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
    from approvals.keys import CERT_FILE, certificate_of, load_certificates
    from approvals.trail import verify_trail

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
