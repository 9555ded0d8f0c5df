"""axe-core run inside a Playwright page: what the browser tests use to hold every page to WCAG.

The script is axe-core's own ``axe.min.js`` as the locked dev dependency
``axe-playwright-python`` ships it (MPL-2.0, bundled in an MIT wrapper; the version is printed
in the script's first line): installed from uv.lock like everything else, never fetched at run
time. Only the file is used; it is evaluated in the page through the DevTools protocol (as an
init script of the context, or on the spot), which the site's Content-Security-Policy (no
inline scripts) does not stop, and run with axe's default rules (WCAG 2.x A and AA and the best
practices).

A violation of impact "serious" or "critical" fails; "moderate" and "minor" ones are returned
too, for a report, but do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import BrowserContext, Page

AXE_SCRIPT = Path(AXE_FILE_PATH).read_text(encoding="utf-8")
FAILING = ("serious", "critical")


@dataclass(frozen=True)
class Violation:
    """One rule broken on one page, with the elements that break it."""

    page: str  # what was checked: who, where, language and screen
    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]

    @property
    def fails(self) -> bool:
        return self.impact in FAILING

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:8]) + (" …" if len(self.targets) > 8 else "")
        return (f"{self.page}: {self.rule} ({self.impact}) {self.help}\n"
                f"    {self.help_url}\n    at: {shown}")


def axe_version() -> str:
    """The bundled axe-core's version, from the banner ``/*! axe v4.x.y``."""
    return AXE_SCRIPT.split("\n", 1)[0].removeprefix("/*! axe v").strip()


def prepare(context: BrowserContext) -> None:
    """Have axe in every page the context opens, from the start: the renderer compiles the
    script once and reuses it (evaluated anew on each page it took ~0.1 s more a page)."""
    context.add_init_script(script=AXE_SCRIPT)


def start(page: Page) -> None:
    """Begin an axe run on the page as it is now and return at once (axe injected if the page
    has none yet): pages of other browser contexts can load and be checked meanwhile, each in a
    renderer process of its own; :func:`collect` waits for the answer."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    page.evaluate(
        "() => { window.signoffAxe = axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,"
        " helpUrl: v.helpUrl, targets: v.nodes.map(n => n.target.join(' '))}))); }")


def collect(page: Page, where: str) -> list[Violation]:
    """The violations of the run :func:`start` began on the page."""
    found = page.evaluate("window.signoffAxe")
    return [Violation(where, v["id"], v["impact"], v["help"], v["helpUrl"], tuple(v["targets"]))
            for v in found]


def violations(page: Page, where: str) -> list[Violation]:
    """Every axe violation on the page as it is now."""
    start(page)
    return collect(page, where)


def report(found: list[Violation]) -> str:
    """The failing violations, one block each, for an assertion's message."""
    failing = [v for v in found if v.fails]
    return f"{len(failing)} serious or critical accessibility violations " \
           f"(axe-core {axe_version()}):\n" + "\n".join(str(v) for v in failing)


def assert_accessible(page: Page, where: str) -> None:
    """Fail on a serious or critical violation of the page as it is now."""
    found = violations(page, where)
    assert not any(v.fails for v in found), report(found)
