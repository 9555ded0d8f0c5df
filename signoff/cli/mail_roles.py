"""The mail roles of the command line: ``signoff smtp`` (the inbound SMTP server, and the mail
catcher when no relay is configured) and ``signoff imap`` (reading replies from a mailbox);
and ``signoff mail resend``, an administrator's way to send failed mail again.

Both roles store each message raw and enqueue ``workers.actors.handle_inbound`` with its id;
when Redis is away the scheduler's sweep enqueues what was stored.
"""

from __future__ import annotations

import logging
import signal
import threading

import click

from approvals.config import Settings
from approvals.config.mail import MailSettings
from approvals.store import db
from signoff.cli.base import main, settings_engine
from signoff.startup import log_to_stderr, wait_for_redis


def _enqueue(inbound_id: int) -> None:
    from workers.actors import handle_inbound

    handle_inbound.send(inbound_id)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


@main.command()
def smtp() -> None:
    """Receive replies by SMTP on INBOUND_SMTP_HOST:INBOUND_SMTP_PORT (Procfile role); with no
    SMTP_HOST, also run the mail catcher that keeps Signoff's own mail in var/mail/sent."""
    from approvals.clock import utcnow
    from mail.receive import serve

    log_to_stderr()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's: every connection
    settings = MailSettings.from_env()
    wait_for_redis("smtp")
    engine = db.make_engine(Settings.from_env().database_url)
    try:
        serve(settings, engine, _enqueue, utcnow, _stop_on_signals())
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {settings.inbound_host}:{settings.inbound_port} (or the "
            f"catcher's port {settings.catcher_port}): {error}") from None
    finally:
        engine.dispose()


@main.command()
def imap() -> None:
    """Read replies from the IMAP mailbox IMAP_USER@IMAP_HOST (Procfile role), with IDLE."""
    from approvals.clock import utcnow
    from mail.imap import serve

    log_to_stderr()
    settings = MailSettings.from_env()
    if not settings.imap_host or not settings.imap_user:
        raise click.ClickException("IMAP_HOST and IMAP_USER (and IMAP_PASSWORD) say which "
                                   "mailbox to read; they are not set")
    wait_for_redis("imap")
    engine = db.make_engine(Settings.from_env().database_url)
    logging.getLogger(__name__).info("reading %s@%s/%s", settings.imap_user,
                                     settings.imap_host, settings.imap_folder)
    try:
        serve(settings, engine, _enqueue, _stop_on_signals(), clock=utcnow)
    finally:
        engine.dispose()


@main.group("mail")
def mail_group() -> None:
    """Outgoing mail: send again what the relay refused."""


@mail_group.command("resend")
@click.option("--failed", "every_failed", is_flag=True,
              help="Every mail that failed for good.")
@click.argument("item_ids", nargs=-1, type=click.IntRange(min=1))
def mail_resend(every_failed: bool, item_ids: tuple[int, ...]) -> None:
    """Send mail again: the outbox rows ITEM_IDS (the numbers the administrators' mail page
    lists) or, with --failed, every failed one. Each is the same mail, with the same
    Message-ID; a mail already sent, or being sent right now, is left alone."""
    if every_failed == bool(item_ids):
        raise click.UsageError("name the mail rows to send again, or give --failed "
                               "(not both)")
    import workers.actors  # noqa: F401 - the carriers dispatch.route hands the rows to
    from approvals import dispatch, service
    from approvals.clock import utcnow

    with settings_engine() as engine:
        resent = service.resend_mail(engine, list(item_ids) if item_ids else None, utcnow())
    dispatch.route([("email", item_id, None) for item_id in resent])
    for item_id in resent:
        click.echo(f"mail {item_id}: handed to the workers again")
    for item_id in sorted(set(item_ids) - set(resent)):
        click.echo(f"mail {item_id}: left alone (no such mail row, sent already, or being "
                   "sent right now)", err=True)
    if every_failed and not resent:
        click.echo("no mail has failed")
