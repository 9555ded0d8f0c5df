"""Handing a composed mail to the SMTP relay (or to the built-in catcher).

A failure is sorted into what waits and what never will: a 5xx answer to the message (the
relay refuses the recipient or the content) is :class:`PermanentFailure`, recorded on the
outbox row and shown to administrators; anything else (the relay is down, a 4xx, a timeout)
is :class:`TemporaryFailure`: the outbox row counts the try and says when the next is due
(:mod:`mail.outgoing`). Nothing is lost while the relay is away: the row stays pending, and the
sweep hands it on when it is due.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import getaddresses

from approvals.config.mail import MailSettings

TIMEOUT = 30


class SendFailure(Exception):
    """The relay did not take the mail."""


class PermanentFailure(SendFailure):
    """The relay refused the mail for good (5xx): sending again will not help."""


class TemporaryFailure(SendFailure):
    """The relay could not take the mail now (down, 4xx, timeout): try again later."""


def recipients(message: EmailMessage) -> list[str]:
    """The envelope recipients: every address of To and Cc."""
    values = [str(v) for key in ("To", "Cc") for v in message.get_all(key, [])]
    return [address for _name, address in getaddresses(values) if address]


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Send ``message`` through the configured relay; raises a :class:`SendFailure`."""
    to = recipients(message)
    if not to:
        raise PermanentFailure("the mail has no recipient")
    # connected inside the try, so whatever stops the conversation — the worker's time limit
    # included, which no ``with`` block should answer by waiting for a QUIT — closes the socket
    smtp = smtplib.SMTP(timeout=TIMEOUT)
    try:
        code, greeting = smtp.connect(settings.smtp_host, settings.smtp_port)
        if code != 220:
            raise smtplib.SMTPConnectError(code, greeting)
        smtp.ehlo()
        if settings.smtp_starttls:
            if not smtp.has_extn("starttls"):
                raise PermanentFailure(f"the relay {settings.smtp_host}:{settings.smtp_port}"
                                       " does not offer STARTTLS (set SMTP_STARTTLS=0 to "
                                       "send without it)")
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        refused = smtp.send_message(message, from_addr=settings.from_address, to_addrs=to)
        _quit(smtp)
    except smtplib.SMTPRecipientsRefused as error:
        raise _classify(error.recipients) from error
    except smtplib.SMTPNotSupportedError as error:
        raise PermanentFailure(f"the relay {settings.smtp_host}:{settings.smtp_port} does not "
                               f"offer what is configured ({error}); unset SMTP_USER to send "
                               "without logging in") from error
    except smtplib.SMTPAuthenticationError as error:
        raise PermanentFailure(f"the relay refused the login of {settings.smtp_user}: "
                               f"{error.smtp_code} {_text(error.smtp_error)}") from error
    except smtplib.SMTPResponseException as error:
        text = f"{error.smtp_code} {_text(error.smtp_error)}"
        if 500 <= error.smtp_code < 600:
            raise PermanentFailure(f"the relay refused the mail: {text}") from error
        raise TemporaryFailure(f"the relay deferred the mail: {text}") from error
    except (OSError, smtplib.SMTPException) as error:  # SSL errors and timeouts included
        raise TemporaryFailure(f"cannot reach the relay {settings.smtp_host}:"
                               f"{settings.smtp_port}: {error}") from error
    finally:
        smtp.close()
    if refused:
        raise _classify(refused)


def _quit(smtp: smtplib.SMTP) -> None:
    """Say goodbye once the relay has the mail. A relay that hangs up or answers oddly
    instead changes nothing: the mail was taken, and calling it a failure would send it
    twice."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        pass


def _classify(refused: dict[str, tuple[int, bytes]]) -> SendFailure:
    text = "; ".join(f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in refused.items())
    if all(500 <= code < 600 for code, _msg in refused.values()):
        return PermanentFailure(f"the relay refused the recipient: {text}")
    return TemporaryFailure(f"the relay deferred the recipient: {text}")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
