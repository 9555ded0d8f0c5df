"""The person's lists as pages: **Done by me** (``/done``), **Started by me** (``/started``)
and **Watching** (``/watching``) beside **My tasks** (the inbox, ``/``, :mod:`web.pages`),
with a tab-like navigation between them that counts each, and the number of open tasks on the
main menu's "Inbox" on every page.

Each list is a GET form (search, filters, sort: a bookmarkable URL whose links keep them) over
:mod:`approvals.store.lists`. A parameter that cannot be read shows a message and the list
unfiltered, never an error page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request, url_for

from approvals import texts
from approvals.config import zones
from approvals.core.errors import FormInvalid
from approvals.store import lists, queries
from approvals.store.db import read_session
from web.auth import current_locale, current_person, current_zone, login_required
from web.context import db, utcnow
from web.openapi import Query

bp = Blueprint("lists", __name__)

#: Each list's page, by kind (My tasks is the inbox).
ENDPOINTS = {lists.OPEN: "pages.inbox", lists.DONE: "lists.done",
             lists.STARTED: "lists.started", lists.WATCHING: "lists.watching"}


@bp.app_context_processor
def _lists_frame() -> dict[str, Any]:
    def inbox_count() -> int | None:
        """The person's open tasks, for the main menu (read only when a page shows it)."""
        if "open_count" not in g:
            try:
                person = current_person()
                if person is None:
                    return None
                with read_session(db()) as s:
                    g.open_count = lists.open_count(s, person.id)
            except Exception:  # noqa: BLE001 - an error page must render without a database
                g.open_count = None
        return g.open_count

    return {"inbox_count": inbox_count}


def read_listing(kind: str) -> tuple[lists.Listing, str]:
    """The listing the query string asks for, or the unfiltered first page and what to fix
    (in the reader's language) when a parameter cannot be read."""
    try:
        return lists.Listing.read(request.args, kind, current_zone()), ""
    except FormInvalid as refused:
        locale = current_locale()
        problems = " ".join(
            f"{_label(name, kind, locale)}: {texts.field_error(code, params, locale)}"
            for name, (code, params) in refused.errors.items())
        return lists.Listing.read({}, kind, current_zone()), texts.t("lists.invalid", locale,
                                                                      problems=problems)


def _label(name: str, kind: str, locale: str) -> str:
    """A parameter as the form's label names it (the raw name if no control has it)."""
    key = {"from": f"lists.from.{kind}", "to": f"lists.to.{kind}",
           "overdue": f"lists.overdue.{kind}"}.get(name, f"lists.{name}")
    return texts.t(key, locale) if texts.has(key, "page") else name


def frame(s, kind: str, person_id: int, listing: lists.Listing, locale: str,
          total: int | None = None) -> dict[str, Any]:
    """What the navigation and the filter form of every list need: the counts of the lists
    (Watching's only on its own unfiltered page: ``total``), the processes to filter by, the
    statuses, sorts and orders."""
    watching = total if kind == lists.WATCHING and not listing.filtered else None
    counts = lists.counts(s, person_id, watching)
    g.open_count = counts[lists.OPEN]  # the main menu's number: counted already
    return {"kind": kind, "counts": counts, "listing": listing,
            "endpoint": ENDPOINTS[kind], "endpoints": ENDPOINTS,
            "process_choices": [(p["id"], p["name"]) for p in queries.processes(s, locale)],
            "statuses": queries.OUTCOMES if kind != lists.OPEN else (),
            "sorts": lists.sorts_of(kind), "orders": lists.ORDERS,
            "task_list": kind in lists.TASK_LISTS, "now_iso": queries.iso(utcnow())}


def _list_page(kind: str):
    person, locale = current_person(), current_locale()
    listing, problem = read_listing(kind)
    with read_session(db()) as s:
        found = lists.list_page(s, kind, person.id, locale, listing, utcnow())
        context = frame(s, kind, person.id, listing, locale, found.total)
    return render_template("list.html", found=found, problem=problem, **context)


@bp.get("/done")
@login_required
def done():
    return _list_page(lists.DONE)


@bp.get("/started")
@login_required
def started():
    return _list_page(lists.STARTED)


@bp.get("/watching")
@login_required
def watching():
    return _list_page(lists.WATCHING)


def api_query(kind: str) -> tuple[Query, ...]:
    """The query parameters of a list in the API (the pages take the same)."""
    task_list = kind in lists.TASK_LISTS
    moment = {lists.OPEN: "the task was opened", lists.DONE: "the task was decided"}.get(
        kind, "the instance started")
    found = (
        Query("q", {"type": "string", "maxLength": lists.MAX_QUERY},
              "words in the title, the process's name, a participant's name or address, or "
              "a field's text (letter case aside, Russian too)"),
        Query("process", {"type": "string"}, "only this process (its id)"),
        *((Query("status", {"type": "string", "enum": list(queries.OUTCOMES)},
                 "only instances in this status"),) if kind != lists.OPEN else ()),
        *((Query("overdue", {"type": "string", "enum": ["1", "0", "true", "false"]},
                 "1: only tasks past their deadline (open) or decided after it"),)
          if task_list else ()),
        Query("from", {"type": "string", "format": "date"},
              f"only rows where {moment} on this day (in the token holder's time zone) or later"),
        Query("to", {"type": "string", "format": "date"},
              f"only rows where {moment} on this day (in that zone) or earlier"),
        Query("sort", {"type": "string", "enum": list(lists.sorts_of(kind))},
              ("deadline, " if task_list else "") + "started (the instance's start) or "
              "amount (the instance's money value, where its process has one); left out: the "
              "list's own order"),
        Query("order", {"type": "string", "enum": list(lists.ORDERS)},
              "asc or desc (left out: the sort's usual direction)"),
        Query("limit", {"type": "integer", "minimum": 1, "maximum": lists.Listing.MAX_LIMIT,
                        "default": lists.Listing.limit}, "at most this many rows a page"),
        Query("page", {"type": "integer", "minimum": 1, "default": 1},
              "which page (follow next)"))
    return found


def api_page(kind: str, person_id: int, locale: str, endpoint: str, **fixed: str
             ) -> tuple[list[dict[str, Any]], int, str | None]:
    """A page of list ``kind`` for the API: the rows, how many match in all and the next
    page's path (with the same parameters); :class:`FormInvalid` (400) names each parameter
    that cannot be read."""
    listing = lists.Listing.read(request.args, kind, zones.reader_zone(g.person))
    with read_session(db()) as s:
        found = lists.list_page(s, kind, person_id, locale, listing, utcnow())
    following = url_for(endpoint, **fixed, **listing.query(with_limit=True,
                                                            page=listing.page + 1)) \
        if found.has_next else None
    return found.items, found.total, following
