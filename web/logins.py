"""Login throttling, counted in Redis with flask-limiter, and the administrators' list of
lockouts (``/admin/logins``).

Only *failed* logins count (a ``POST /login`` answered 401); a person who types the right
password is never slowed down by their own successes. Two counters, each in tiers so that the
wait grows with the failures:

- per account (the address typed, trimmed and lower-cased): :data:`ACCOUNT_LIMITS`,
  5 a minute, 20 an hour, 50 a day;
- per client address (``REMOTE_ADDR``; behind a proxy, have it pass the client's address):
  :data:`ADDRESS_LIMITS`, 20 a minute, 100 an hour, 300 a day — higher, since an office
  shares one address.

Past a tier every ``POST /login`` from that account or address, even with the right password,
is answered 429 with a message saying when to try again (and ``Retry-After``) until the tier's
window ends (fixed windows starting at the first failure). Each lockout is logged and recorded
once in :class:`~approvals.store.models.LoginLockout`. The tiers trade guessing against
locking a person out on purpose: someone who knows an address can keep that account locked
for a day, which the administrators then see on ``/admin/logins``.

The counters live in the Redis that carries work (:func:`approvals.config.redis_url`) under
``LIMITER/<RATELIMIT_KEY_PREFIX>/…``. When Redis cannot be reached, logins are not throttled
(the error is logged) rather than refused for everyone.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, Flask, current_app, g, render_template, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.constants import ConfigVars
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from sqlmodel import select

from approvals import texts
from approvals.config import redis_url
from approvals.store.db import read_session, write_session
from approvals.store.models import LoginLockout
from approvals.texts import formats
from web.auth import current_locale, current_zone, login_required, require_admin
from web.context import db, utcnow

log = logging.getLogger(__name__)
bp = Blueprint("logins", __name__)

#: Failed logins allowed per account (the address typed), in growing windows.
ACCOUNT_LIMITS = "5 per minute; 20 per hour; 50 per day"
#: Failed logins allowed per client address.
ADDRESS_LIMITS = "20 per minute; 100 per hour; 300 per day"
#: Lockouts ``/admin/logins`` shows, newest first.
SHOWN_LOCKOUTS = 200


def storage_uri(url: str) -> str:
    """flask-limiter's name for a Redis URL: ``unix://`` becomes ``redis+unix://``."""
    return "redis+unix://" + url.removeprefix("unix://") if url.startswith("unix://") else url


def typed_account() -> str:
    """The address typed on the login form, as the account counter knows it."""
    return request.form.get("email", "").strip().lower()[:320]


def _account_key() -> str:
    return "login-account:" + (typed_account() or "-")


def _address_key() -> str:
    return "login-address:" + (get_remote_address() or "-")


def _failed(response) -> bool:
    return response.status_code == 401


def init_app(app: Flask) -> None:
    """Throttle ``POST /login`` of ``app`` (a limiter of its own, so that apps built one after
    another in one process never share settings) and answer a lockout with 429."""
    app.config.setdefault("LOGIN_LIMITS_ACCOUNT", ACCOUNT_LIMITS)
    app.config.setdefault("LOGIN_LIMITS_ADDRESS", ADDRESS_LIMITS)
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=storage_uri(app.config.get("RATELIMIT_STORAGE_URI") or redis_url()),
        storage_options={"socket_connect_timeout": 2, "socket_timeout": 2},
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX") or "signoff",
        swallow_errors=True,  # Redis down: log it and let people log in
        fail_on_first_breach=False,  # record every counter that is exceeded
    )
    limiter.init_app(app)
    _check_only_the_login(app, limiter)
    app.extensions["signoff.limiter"] = limiter
    login = app.view_functions["auth.login"]
    login = limiter.limit(lambda: current_app.config["LOGIN_LIMITS_ACCOUNT"],
                          key_func=_account_key, methods=["POST"], deduct_when=_failed,
                          on_breach=_locked("account"))(login)
    login = limiter.limit(lambda: current_app.config["LOGIN_LIMITS_ADDRESS"],
                          key_func=_address_key, methods=["POST"], deduct_when=_failed,
                          on_breach=_locked("address"))(login)
    app.view_functions["auth.login"] = login
    app.register_error_handler(RateLimitExceeded, _too_many)
    app.register_blueprint(bp)


def _check_only_the_login(app: Flask, limiter: Limiter) -> None:
    """Take the limiter's own check off every request that is not a login.

    flask-limiter checks the application's, default and meta limits before *every* request
    (``before_request``); this limiter has none of those, only the login view's limits, which
    the view's decorators check when ``POST /login`` runs (and the ``after_request`` hook,
    kept, counts the failures). So that check found nothing to count on every request — the
    API's and the pages' — and cost about 0.1 ms of each. Should such limits ever be
    configured (``RATELIMIT_APPLICATION``, ``RATELIMIT_DEFAULT``, ``RATELIMIT_META``), the
    check stays."""
    if limiter.limit_manager.application_limits or limiter.limit_manager.default_limits or any(
            app.config.get(name) for name in (ConfigVars.APPLICATION_LIMITS,
                                              ConfigVars.DEFAULT_LIMITS,
                                              ConfigVars.META_LIMITS)):
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)


def _locked(scope: str):
    def record(limit: RequestLimit) -> None:
        until = datetime.fromtimestamp(limit.reset_at, UTC)
        g.login_locked_until = max(until, g.get("login_locked_until", until))
        email, address = typed_account(), get_remote_address() or ""
        now = utcnow()
        with write_session(db()) as s:
            same = select(LoginLockout.id).where(LoginLockout.scope == scope,
                                                 LoginLockout.until > now)
            same = same.where(LoginLockout.email == email) if scope == "account" \
                else same.where(LoginLockout.address == address)
            if s.exec(same).first() is not None:
                return  # this lockout is recorded already
            s.add(LoginLockout(at=now, scope=scope, email=email, address=address[:64],
                               until=until))
        log.warning("login locked out (%s) for %s from %s until %s after %s failed logins",
                    scope, email or "-", address or "-", until.isoformat(), limit.limit)

    return record


def _too_many(_error: RateLimitExceeded):
    """The login page again, saying when to try again."""
    until = g.get("login_locked_until") or utcnow()
    wait = max(1, int((until - utcnow()).total_seconds()))
    locale = current_locale()
    message = texts.t("login.locked", locale,
                      when=formats.format_time(until, locale, current_zone()),
                      minutes=max(1, -(-wait // 60)))
    page = render_template("login.html", email=request.form.get("email", "").strip(),
                           next=request.values.get("next", ""), failed=False, locked=message)
    return page, 429, {"Retry-After": str(wait)}


# ---------------------------------------------------------------------------- /admin/logins


@bp.get("/admin/logins")
@login_required
def admin_logins():
    require_admin("read the login lockouts")
    with read_session(db()) as s:
        rows = s.exec(select(LoginLockout).order_by(LoginLockout.at.desc(),
                                                    LoginLockout.id.desc())
                      .limit(SHOWN_LOCKOUTS)).all()
    now = utcnow()
    items = [{"at": row.at, "scope": row.scope, "email": row.email, "address": row.address,
              "until": row.until, "active": row.until > now} for row in rows]
    return render_template("admin_logins.html", items=items)
