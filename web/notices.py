"""A person's notifications: the unread count on every page's navigation, the list, marking
read — on the pages and through the API.

- every page: a "Notifications" menu item with the unread count (one COUNT over a partial
  index, read once per request and only when the menu is drawn);
- ``/notifications`` — newest first, a page at a time (``?unread=1``: only the unread), each
  unread one marked by a word, not by colour alone; "Open" marks it read and goes to its task
  or instance, "Mark as read" per item, "Mark all as read" (up to the newest the page showed,
  so one that arrived meanwhile stays unread). Each a POST with the CSRF token, back to the
  same page: GET never changes state;
- ``GET /api/notifications``, ``POST /api/notifications/<id>/read``,
  ``POST /api/notifications/read`` — the same for the bearer of a token
  (:mod:`web.notices_api`).

A person only ever sees and marks their own: another's notification is "not found", never
"forbidden" (its id says nothing). What the rows are and when they are written:
:mod:`approvals.store.notices`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import BadRequest

from approvals import texts
from approvals.core.errors import StoreUnavailable
from approvals.store import notices, queries
from approvals.store.db import read_session, write_session
from approvals.store.models import Instance, Notification
from web.auth import current_locale, current_person, login_required, safe_next
from web.context import db, utcnow

bp = Blueprint("notices", __name__)

#: The notifications whose task page is where the person acts.
TASK_TEMPLATES = frozenset({"task_assigned", "revision_requested", "task_overdue",
                            "task_due_soon"})
#: How many unread notifications the inbox shows above its link to the whole list.
INBOX_LATEST = 5


@bp.app_context_processor
def _unread_frame() -> dict[str, Any]:
    def unread_notices() -> int:
        """The signed-in person's unread count, read once a request (the menu draws it)."""
        if "unread_notices" not in g:
            person = current_person()
            if person is None:
                return 0
            try:
                with read_session(db()) as session:
                    g.unread_notices = notices.unread_count(session, person.id)
            except StoreUnavailable:  # the page saying so still draws its menu
                g.unread_notices = 0
        return g.unread_notices

    def unread_label(n: int) -> str:
        return texts.count_text("notices.unread", n, current_locale())

    return {"unread_notices": unread_notices, "unread_label": unread_label}


# ---------------------------------------------------------------------------- what a row says


def notice_text(session, note: Notification, locale: str) -> str:
    """One line for a notification in ``locale`` (the stage named as its process names it)."""
    stage = ""
    if note.instance_id and note.params.get("stage"):
        instance = session.get(Instance, note.instance_id)
        if instance is not None:
            try:
                stage = queries.process_of(session, instance).status(
                    note.params["stage"]).name.get(locale)
            except KeyError:
                stage = note.params["stage"]
    return texts.notification_text(note.template, note.params, locale, stage)


def target(note: Notification) -> str | None:
    """The page a notification is about: its task's (where the person acts), else its
    instance's; None for one about neither."""
    if note.task_id and note.template in TASK_TEMPLATES:
        return url_for("pages.task", task_id=note.task_id)
    if note.instance_id:
        return url_for("pages.instance", instance_id=note.instance_id)
    return None


def notice_item(session, note: Notification, locale: str) -> dict[str, Any]:
    return {"id": note.id, "template": note.template, "text": notice_text(session, note, locale),
            "at": note.created_at, "read_at": note.read_at, "instance_id": note.instance_id,
            "task_id": note.task_id, "url": target(note),
            "trail_url": url_for("audit.trail", instance_id=note.instance_id)
            if note.params.get("trail") and note.instance_id else None}


def latest_unread(session, person_id: int, locale: str) -> list[dict[str, Any]]:
    """The inbox's "Latest notifications": the few newest unread."""
    page = notices.notice_page(session, person_id, limit=INBOX_LATEST, unread_only=True)
    g.unread_notices = page.unread  # the menu's count: read once
    return [notice_item(session, note, locale) for note in page.notes]


# ---------------------------------------------------------------------------- the page


def _asked_page() -> tuple[int, bool, str | None]:
    """``page`` and ``unread`` of the query, and what is wrong with the page number asked for
    (the first page is shown with it, answered 400)."""
    raw = request.args.get("page", "1").strip() or "1"
    unread_only = request.args.get("unread") == "1"
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        return 1, unread_only, texts.t("notices.bad_page", current_locale())
    return int(raw), unread_only, None


@bp.get("/notifications")
@login_required
def notifications_page():
    person, locale = current_person(), current_locale()
    page_no, unread_only, problem = _asked_page()
    with read_session(db()) as session:
        found = notices.notice_page(session, person.id, page=page_no, unread_only=unread_only)
        items = [notice_item(session, note, locale) for note in found.notes]
        newest = notices.newest_id(session, person.id)
    g.unread_notices = found.unread

    def page_url(number: int) -> str:
        query = {"page": number, **({"unread": 1} if unread_only else {})}
        return f"{url_for('.notifications_page')}?{urlencode(query)}"

    return render_template("notifications.html", items=items, found=found, problem=problem,
                           unread_only=unread_only, page_url=page_url, newest=newest,
                           here=request.full_path.rstrip("?")), 400 if problem else 200


def _back() -> Any:
    return redirect(safe_next(request.form.get("next") or url_for(".notifications_page")), 303)


@bp.post("/notifications/<row:note_id>/read")
@login_required
def mark_one(note_id: int):
    person = current_person()
    with write_session(db()) as session:
        if notices.own_notice(session, person.id, note_id) is None:
            abort(404)
        notices.mark_read(session, person.id, note_id, utcnow())
    return _back()


@bp.post("/notifications/<row:note_id>/open")
@login_required
def open_one(note_id: int):
    """Mark the notification read and go to what it is about."""
    person = current_person()
    with write_session(db()) as session:
        note = notices.own_notice(session, person.id, note_id)
        if note is None:
            abort(404)
        notices.mark_read(session, person.id, note_id, utcnow())
        goal = target(note)
    return redirect(goal or url_for(".notifications_page"), 303)


@bp.post("/notifications/read")
@login_required
def mark_all():
    person = current_person()
    raw = (request.form.get("up_to") or "").strip()
    if raw and (not raw.isdigit() or len(raw) > 18):  # a row id fits in 63 bits
        raise BadRequest(texts.t("notices.bad_up_to", current_locale()))
    with write_session(db()) as session:
        notices.mark_all_read(session, person.id, utcnow(), int(raw) if raw else None)
    return _back()
