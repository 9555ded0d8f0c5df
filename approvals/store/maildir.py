"""The development mail catcher's Maildir (``var/mail/sent``): every message Signoff sent, kept
as received with the envelope recipients in a first header, and read back in delivery order.
The catcher (:mod:`mail.catcher`) writes it; ``/dev/mail`` and the tests read it.
"""

from __future__ import annotations

import mailbox
import re
from pathlib import Path

#: The first header of a caught message: who the envelope was addressed to.
ENVELOPE_HEADER = "X-Signoff-Envelope-To"


def messages(maildir: Path) -> list[tuple[str, bytes]]:
    """(key, raw bytes) of every caught message, oldest first (Maildir keys start with the
    delivery time)."""
    if not maildir.exists():
        return []
    box = mailbox.Maildir(maildir, create=False)
    return [(key, box.get_bytes(key)) for key in sorted(box.keys(), key=delivery_order)]


def delivery_order(key: str) -> tuple[int, int, int, str]:
    """Maildir keys read ``<seconds>.M<microseconds>P<pid>Q<counter>.<host>``; sort by them."""
    seconds, _, rest = key.partition(".")
    parts = dict(re.findall(r"([MPQ])(\d+)", rest.partition(".")[0]))
    return (int(seconds) if seconds.isdigit() else 0, int(parts.get("M", 0)),
            int(parts.get("Q", 0)), key)
