"""The absence schedule's settings (:mod:`hr.schedule`, :mod:`hr.plan`).

| variable                    | default | meaning                                             |
|-----------------------------|---------|-----------------------------------------------------|
| SIGNOFF_HR_MAX_AWAY_SHARE   | 0.3     | the share of a department that may be away on one   |
|                             |         | day before the vacation plan warns (0 < share ≤ 1;  |
|                             |         | ``30%`` is read as 0.3)                             |

A warning, never a refusal: a small department of three with one person away is already a
third away, and whether that is too many is the manager's call. A value that is not a share
stops the command that reads it with a message naming the variable and the value, rather than
warning at a share nobody chose.
"""

from __future__ import annotations

import os

MAX_AWAY_SHARE = "SIGNOFF_HR_MAX_AWAY_SHARE"
DEFAULT_MAX_AWAY_SHARE = 0.3


def max_away_share() -> float:
    """``SIGNOFF_HR_MAX_AWAY_SHARE`` as a fraction (``0.3``, ``30%``), else 0.3."""
    raw = (os.environ.get(MAX_AWAY_SHARE) or "").strip()
    if not raw:
        return DEFAULT_MAX_AWAY_SHARE
    text = raw[:-1].strip() if raw.endswith("%") else raw
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{MAX_AWAY_SHARE} must be a share such as 0.3 or 30%, not "
                         f"{raw!r}") from None
    if raw.endswith("%"):
        value /= 100
    if not 0 < value <= 1:
        raise ValueError(f"{MAX_AWAY_SHARE} must be more than 0 and at most 1 (100%), "
                         f"not {raw!r}")
    return value
