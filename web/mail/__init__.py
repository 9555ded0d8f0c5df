"""The pages of the email interface, one module each: one-click answers (:mod:`.answers`), the
mail catcher's reader (:mod:`.dev_mail`), the mail log (:mod:`.mail_log`).

- ``/tasks/<id>/answer/<verdict>`` — where the one-click links of a task mail lead. Mail
  scanners follow links, so the page only asks for confirmation; its form posts to
  ``pages.decide`` exactly like the task page.
- ``/dev/mail`` — only with the built-in mail catcher (no ``SMTP_HOST``): the mail Signoff sent,
  newest first, and one message with a form that answers it the way a mail client would, by
  sending a real reply email to the inbound SMTP server (``signoff smtp``). A person sees the
  mail addressed to them, an administrator all of it; everyone answers only as themselves.
- ``/admin/mail`` — administrators: every inbound message with its outcome and its raw .eml,
  and the outgoing mail that could not be delivered.
"""

from __future__ import annotations

import math
import re
from typing import Any

from flask import Blueprint, request

from approvals.config.mail import MailSettings

bp = Blueprint("mail", __name__)
DEV_PER_PAGE = 100
ADMIN_PER_PAGE = 50
SMTP_TIMEOUT = 15
HEAD_BYTES = 64 * 1024  # the list reads no more of a message than its headers need
SHOWN_HEADERS = ("From", "To", "Reply-To", "Subject", "Date", "Message-ID")
_MAILTO = re.compile(r"mailto:[^\s\"'<>]+", re.IGNORECASE)


@bp.app_context_processor
def _mail_frame() -> dict[str, Any]:
    """``dev_mail_on()`` for the navigation."""

    def dev_mail_on() -> bool:
        try:
            return MailSettings.from_env().catcher
        except ValueError:  # a malformed port in the environment: no link, no crash
            return False

    return {"dev_mail_on": dev_mail_on}


def _page_of(total: int, per_page: int) -> tuple[int, int]:
    """The page the query string asks for (kept within the pages there are) and their count."""
    pages = max(1, math.ceil(total / per_page))
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    return max(1, min(page, pages)), pages


# Each module adds its pages to ``bp``.
from web.mail import answers, dev_mail, disputes, mail_log  # noqa: E402, F401
