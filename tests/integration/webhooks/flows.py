"""What the webhook tests share: an endpoint registered as the administrator would, the rows
and the log read back, and the administrator's browser."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.engine import Engine

from approvals.core.webhooks import EVENTS
from approvals.records import webhooks
from approvals.store.db import write_session
from approvals.store.directory import set_password
from approvals.store.models import OutboxItem, Person, WebhookAttempt
from tests.integration.flows import rows
from tests.integration.web.site import Browser
from web import create_app

PASSWORD = "correct horse battery staple"


def register(db: Engine, org, url: str, now: datetime, events: list[str] | None = None,
             allow_private: bool = True) -> webhooks.Registered:
    return webhooks.register(db, url=url, description="CRM", events=list(events or EVENTS),
                             allow_private=allow_private, person_id=org.admin, now=now)


def messages(db: Engine) -> list[OutboxItem]:
    """Every webhook outbox row, oldest first."""
    return rows(db, OutboxItem, OutboxItem.kind == "webhook")


def attempts(db: Engine) -> list[WebhookAttempt]:
    return rows(db, WebhookAttempt)


def admin_browser(db: Engine, admin_id: int) -> Browser:
    """The administrator, logged in on the Flask app over ``db``."""
    with write_session(db) as session:
        admin = session.get(Person, admin_id)
        set_password(admin, PASSWORD)
        session.add(admin)
        address = admin.email
    app = create_app({"TESTING": True, "DB_ENGINE": db,
                      "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    browser = Browser(app.test_client())
    assert browser.login(address, PASSWORD).status_code == 303
    return browser
