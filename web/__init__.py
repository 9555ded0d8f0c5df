"""The web adapter: server-rendered pages and the JSON API, one Flask app.

Blueprints: ``auth`` (log in / out), ``pages`` (inbox, start, task and instance pages),
``audit`` (trail downloads, the auditor's search and exports), ``away`` (days away and
deputies, handing a task to a colleague), ``api`` (token-authenticated
JSON under ``/api``), ``logins`` (the administrators' list of login lockouts), ``tokens``
(a person's API tokens), ``doctor`` (the administrators' check-up), ``bulk`` (many
tasks answered at once from the inbox). Domain errors
map to HTTP status codes in one place, :mod:`web.errors`; security headers and the cookie's
``Secure`` flag in :mod:`web.security`; login throttling in :mod:`web.logins`. Entry points
only translate HTTP to service calls.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from approvals.config import Settings
from approvals.store.db import make_engine

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    settings = Settings.from_env()
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        BASE_URL=settings.base_url,
        MAX_CONTENT_LENGTH=60 * 1024 * 1024,  # a 25 MiB file, base64-encoded, with room
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["signoff.db"] = app.config.get("DB_ENGINE") or make_engine(
        app.config["DATABASE_URL"])
    csrf.init_app(app)

    from web import api, audit, auth, away, bulk, doctor, errors, logins, pages, security, tokens
    from web import mail as mail_pages

    app.register_blueprint(auth.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(audit.bp)  # after pages: it uses the "row" converter
    app.register_blueprint(mail_pages.bp)  # after pages too
    app.register_blueprint(tokens.bp)  # after pages too
    from web import webhooks

    app.register_blueprint(webhooks.bp)  # after pages too: /admin/webhooks
    app.register_blueprint(away.bp)  # after pages too: /away, and handing a task over
    app.register_blueprint(bulk.bp)  # the inbox's bulk decisions
    app.register_blueprint(__import__("web.lists").lists.bp)  # /done, /started, /watching
    app.register_blueprint(doctor.bp)
    app.register_blueprint(__import__("web.settings").settings.bp)  # /settings, /language
    from web import campaigns

    app.register_blueprint(campaigns.bp)  # who answered a stage of many people, live
    from web import payments

    app.register_blueprint(payments.bp)  # after pages too: the accountants' /payments
    app.register_blueprint(__import__("web.hr_people").hr_people.bp)  # HR: /hr/people
    app.register_blueprint(__import__("web.hr_calendar").hr_calendar.bp)  # HR: /hr/calendar
    app.register_blueprint(__import__("web.hr_schedule").hr_schedule.bp)  # HR: /hr/schedule
    app.register_blueprint(__import__("web.hr_leave").hr_leave.bp)  # HR: /hr/leave
    app.register_blueprint(api.bp, url_prefix="/api")
    csrf.exempt(api.bp)  # token-authenticated, no cookies
    from web import notices, notices_api

    app.register_blueprint(notices.bp)  # after pages too: /notifications, the menu's count
    app.register_blueprint(notices_api.api_bp, url_prefix="/api")  # /api/notifications
    csrf.exempt(notices_api.api_bp)  # token-authenticated, like the rest of /api
    from web import discussion

    app.register_blueprint(discussion.bp)  # after pages too: comments on an instance
    app.register_blueprint(discussion.api_bp, url_prefix="/api")  # and through the API
    from web import reports

    app.register_blueprint(reports.bp)  # /reports, /reports.csv: where processes get stuck
    app.register_blueprint(reports.api_bp, url_prefix="/api")  # GET /api/reports
    csrf.exempt(reports.api_bp)  # token-authenticated, like the rest of /api
    csrf.exempt(discussion.api_bp)  # token-authenticated, like the rest of /api
    from web import documents, documents_api

    app.register_blueprint(documents.bp)  # after pages too: previews, versions compared
    app.register_blueprint(documents_api.api_bp, url_prefix="/api")  # and through the API
    csrf.exempt(documents_api.api_bp)  # token-authenticated, like the rest of /api
    errors.init_app(app)
    logins.init_app(app)  # after auth: it throttles auth.login
    security.init_app(app, settings, test_config)
    return app
