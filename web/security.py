"""Security headers on every response (pages, the JSON API, error pages, static files) and the
session cookie's ``Secure`` flag.

- ``Content-Security-Policy``: only this site's own scripts, styles, images and fonts; no
  framing by anyone (``frame-ancestors 'none'``), forms post only here, no ``<base>``, no
  plugins. The templates hold no inline script or style (they live in ``web/static``). A view
  that must answer differently (the HTML part of a caught mail, framed by ``/dev/mail``) sets
  its own ``Content-Security-Policy`` and ``X-Frame-Options``; those are kept.
- ``X-Frame-Options: DENY`` for browsers that do not read ``frame-ancestors``;
  ``Referrer-Policy: same-origin`` (task and instance URLs never leave the site);
  ``X-Content-Type-Options: nosniff``.
- ``Strict-Transport-Security`` (a year, this host only) when the base URL is https.
- ``SESSION_COOKIE_SECURE`` when the base URL is https, or as ``SIGNOFF_SECURE_COOKIES`` says
  (:class:`approvals.config.Settings`).
"""

from __future__ import annotations

from flask import Flask, Response

from approvals.config import Settings

CONTENT_SECURITY_POLICY = ("default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                           "base-uri 'none'; object-src 'none'")
HSTS = "max-age=31536000"


def _https(app: Flask) -> bool:
    return str(app.config.get("BASE_URL") or "").lower().startswith("https://")


def init_app(app: Flask, settings: Settings, explicit: dict | None = None) -> None:
    """Register the headers; set ``SESSION_COOKIE_SECURE`` unless ``explicit`` (the test
    configuration) sets it, from the settings, or from a ``BASE_URL`` that ``explicit``
    changed."""
    explicit = explicit or {}
    if "SESSION_COOKIE_SECURE" not in explicit:
        app.config["SESSION_COOKIE_SECURE"] = (_https(app) if "BASE_URL" in explicit
                                               else settings.secure_cookies)
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
    }
    if _https(app):
        headers["Strict-Transport-Security"] = HSTS

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
