"""Where the browser tests put the screenshots the issues' closing notes and the README show.

``make screenshots`` runs the tests that take them with ``SIGNOFF_SCREENSHOTS=docs/screenshots``
and they replace the committed images; any other run (``make test``, CI) writes them to a
temporary folder, so a test run never changes a file of the checkout.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.sync_api import Page


def folder() -> Path:
    """The folder screenshots go to in this run (made if missing)."""
    chosen = os.environ.get("SIGNOFF_SCREENSHOTS")
    path = Path(chosen) if chosen else Path(tempfile.gettempdir()) / "signoff-screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page: Page, name: str, **options) -> Path:
    """``page`` as it looks now, as ``<name>.png`` in :func:`folder` (``options`` as for
    Playwright's ``Page.screenshot``, e.g. ``full_page=True``)."""
    path = folder() / f"{name}.png"
    page.screenshot(path=str(path), **options)
    return path
