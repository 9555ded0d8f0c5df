"""Another site framing a logged-in page, in a real Chromium: another port of the same host
(the same site, so the session cookie goes along) puts the inbox in a frame; the browser must
refuse to show it (``frame-ancestors 'none'``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.e2e.test_browser_contract import chromium, log_in, site  # noqa: F401 - fixtures
from tests.support import free_port


@pytest.fixture
def framing_page(site: str) -> Iterator[str]:  # noqa: F811
    """The URL of a page on another port that frames the site's inbox."""

    @Request.application
    def page(_request: Request) -> Response:
        return Response(f'<!doctype html><title>Framer</title>'
                        f'<iframe id="victim" src="{site}/" width="800" height="600"></iframe>',
                        mimetype="text/html")

    server = make_server("127.0.0.1", free_port(), page, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="framer", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.mark.browser
def test_a_logged_in_page_framed_by_another_origin_is_refused(
        site: str, chromium: Browser, framing_page: str) -> None:  # noqa: F811
    context, ivan = log_in(chromium, site, "ivan")
    assert ivan.get_by_text("My tasks").count() >= 1  # the inbox opens on its own
    with ivan.expect_console_message(lambda message: "frame-ancestors" in message.text) \
            as refusal:
        ivan.goto(framing_page)
    [frame] = [f for f in ivan.frames if f != ivan.main_frame]
    assert frame.locator("text=My tasks").count() == 0
    assert "frame-ancestors 'none'" in refusal.value.text, refusal.value.text
    context.close()
