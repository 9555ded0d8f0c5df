"""The ``signoff`` command line, one module per command group: ``db``, ``people``,
``processes``, ``audit``, ``calendar``, ``hr``, ``keys`` and ``verify`` (:mod:`.trails`), ``demo``,
``doctor``, and the roles (:mod:`.roles`: ``redis``, ``web``, ``worker``, ``scheduler``, ``run``;
:mod:`.mail_roles`: ``smtp``, ``imap`` and ``mail resend``). :mod:`.base` holds the group
itself and what the commands share.

Nothing imports this package: it sits on top of every layer (see docs/architecture.md).
"""

from signoff.cli import (  # noqa: F401 - each module registers its commands on ``main``
    audit,
    away,
    calendar,
    db,
    demo,
    doctor,
    hr,
    leave,
    mail_roles,
    people,
    processes,
    roles,
    trails,
)
from signoff.cli.base import main

__all__ = ["main"]
