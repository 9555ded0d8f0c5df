"""Logging in and out of the pages, and who the current person is.

The Flask session (a signed cookie) holds the person's id and their session version at login.
Each request loads the person once (:func:`current_person`, cached on ``g``); someone
deactivated since they logged in, or whose session version has moved on since (they logged out,
or their password was changed: :func:`approvals.store.directory.end_sessions`), is logged out
on their next request, so a copy of an old cookie opens nothing. Failed logins are throttled by
:mod:`web.logins`. The JSON API authenticates with tokens instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import tzinfo
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from approvals import texts
from approvals.config import zones
from approvals.core.errors import Forbidden, NotFound
from approvals.core.policy import Actor
from approvals.store.db import read_session, write_session
from approvals.store.directory import check_password, end_sessions, find_person, roles_of
from approvals.store.models import Person
from web.context import db

bp = Blueprint("auth", __name__)

_UNSET = object()


def current_person() -> Person | None:
    """The logged-in, active person, or None."""
    cached = g.get("page_person", _UNSET)
    if cached is not _UNSET:
        return cached
    person = None
    person_id = session.get("person_id")
    if person_id is not None:
        with read_session(db()) as s:
            person = s.get(Person, person_id)
        if person is None or not person.active \
                or session.get("session_version") != person.session_version:
            session.clear()
            person = None
    g.page_person = person
    return person


def current_actor() -> Actor | None:
    """The logged-in person as the policy sees them (their roles read once per request), or
    None; also None when the database cannot be reached, so that an error page still renders
    its navigation."""
    cached = g.get("page_actor", _UNSET)
    if cached is not _UNSET:
        return cached
    try:
        person = current_person()
        actor = None
        if person is not None:
            with read_session(db()) as s:
                actor = Actor.of(person.id, roles_of(s, person.id))
    except Exception:  # noqa: BLE001 - an error page renders even without a database
        actor = None
    g.page_actor = actor
    return actor


def is_admin() -> bool:
    """Whether the logged-in person administers (the navigation's admin links use it)."""
    actor = current_actor()
    return actor is not None and actor.is_admin


def require_admin(what: str) -> None:
    """Refuse (403) anyone but an administrator: ``what`` they may not do, for the message."""
    if not is_admin():
        raise Forbidden(f"only administrators may {what}")


@bp.app_context_processor
def _admin_frame() -> dict[str, Any]:
    return {"is_admin": is_admin}


#: Where a visitor's choice of language is kept (``POST /language`` before login).
LOCALE_KEY = "locale"


def current_locale() -> str:
    """The person's language; before login the ``lang`` parameter, else the language the
    visitor switched to (kept in the session), else Accept-Language."""
    person = g.get("page_person", None)
    if person is not None:
        return texts.normalize(person.locale)
    chosen = request.args.get("lang")
    if chosen in texts.LOCALES:
        return chosen
    if session.get(LOCALE_KEY) in texts.LOCALES:
        return session[LOCALE_KEY]
    return request.accept_languages.best_match(texts.LOCALES) or texts.DEFAULT_LOCALE


def current_zone() -> tzinfo:
    """The time zone the page's reader sees times in (:func:`approvals.config.zones.
    reader_zone`): a visitor, the organisation's."""
    try:
        person = current_person()
    except Exception:  # noqa: BLE001 - an error page renders even without a database
        person = None
    return zones.reader_zone(person)


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_person() is None:
            target = request.full_path if request.method == "GET" else request.path
            return redirect(url_for("auth.login", next=target.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL or ``//host`` (an open redirect)."""
    if not target:
        return url_for("pages.inbox")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("pages.inbox")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "")
    if request.method != "POST":  # GET, and HEAD: never a login attempt
        if current_person() is not None:
            return redirect(safe_next(next_url))
        return render_template("login.html", email="", next=next_url, failed=False)
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    person = None
    if email:
        with read_session(db()) as s:
            try:
                person = find_person(s, email)
            except NotFound:
                person = None
    if not check_password(person, password):
        return render_template("login.html", email=email, next=next_url, failed=True), 401
    session.clear()
    session["person_id"] = person.id
    session["session_version"] = person.session_version
    g.page_person = person
    return redirect(safe_next(next_url), 303)


@bp.post("/logout")
def logout():
    """End the session here and everywhere else (a copied cookie stops working too)."""
    person = current_person()
    locale = texts.normalize(person.locale) if person else None
    if person is not None:
        with write_session(db()) as s:
            row = s.get(Person, person.id)
            if row is not None:
                end_sessions(row)
                s.add(row)
    session.clear()
    g.page_person = None
    flash(texts.t("logout.done", locale or current_locale()), "info")
    return redirect(url_for("auth.login", lang=locale), 303)
