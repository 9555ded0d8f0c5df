"""Options of a process file about what it leaves behind: ``trail: {language: …}``, the
language its signed trail is written in — ``initiator`` (the default: the initiator's own),
``organisation`` (``SIGNOFF_LOCALE``), ``en`` or ``ru``."""

from __future__ import annotations

from approvals.core.model import TRAIL_LANGUAGES
from approvals.definitions.reader import Map, Reader

KEYS = {"trail"}


def trail_language(r: Reader, root: Map) -> str:
    """The trail's language; ``initiator`` when the file says nothing."""
    if "trail" not in root:
        return "initiator"
    node = r.mapping(root["trail"], "trail", root, "trail")
    r.keys(node, "trail", {"language"})
    value = node.get("language", "initiator")
    if not isinstance(value, str) or value not in TRAIL_LANGUAGES:
        r.fail(node, "trail.language", f"{value!r} is not a trail language (expected one of "
               f"{', '.join(TRAIL_LANGUAGES)})", "language")
    return value
