"""A reader's own settings: their language and time zone, and the language switch in every
page's header.

| method and path     | answer                                                          |
|---------------------|-----------------------------------------------------------------|
| ``GET  /settings``  | the page: the person's language and time zone                   |
| ``POST /settings``  | 303 back to it; 400 and the fields' errors for an unknown zone  |
|                     | or language (the form offers only known ones)                   |
| ``POST /language``  | 303 back to ``next`` (a path on this site): a logged-in person's |
|                     | ``locale`` is saved, a visitor's choice is kept in the session   |

Times everywhere are shown in :func:`approvals.config.zones.reader_zone`; an empty zone
follows the organisation's (``SIGNOFF_TIME_ZONE``).
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from approvals import texts
from approvals.config import zones
from approvals.store.db import write_session
from approvals.store.models import Person
from approvals.texts import formats
from web.auth import LOCALE_KEY, current_person, login_required, safe_next
from web.context import db, utcnow

bp = Blueprint("settings", __name__)


@bp.get("/settings")
@login_required
def settings_page():
    person = current_person()
    return _page({"locale": texts.normalize(person.locale), "time_zone": person.time_zone},
                 {})


@bp.post("/settings")
@login_required
def save_settings():
    person = current_person()
    values = {"locale": request.form.get("locale", "").strip(),
              "time_zone": request.form.get("time_zone", "").strip()}
    errors: dict[str, tuple[str, dict]] = {}
    if values["locale"] not in texts.LOCALES:
        errors["locale"] = ("unknown_locale", {})
    if values["time_zone"] and zones.known(values["time_zone"]) is None:
        errors["time_zone"] = ("unknown_time_zone", {"value": values["time_zone"][:64]})
    if errors:
        return _page(values, errors, 400)
    _save(person.id, locale=values["locale"], time_zone=values["time_zone"])
    flash(texts.t("settings.saved", values["locale"]), "success")
    return redirect(url_for(".settings_page"), 303)


@bp.post("/language")
def switch_language():
    """The header's switch: the page again (``next``) in the chosen language."""
    chosen = request.form.get("locale", "")
    target = safe_next(request.form.get("next"))
    if chosen not in texts.LOCALES:
        return redirect(target, 303)
    person = current_person()
    if person is not None:
        _save(person.id, locale=chosen)
    else:
        session[LOCALE_KEY] = chosen
    return redirect(target, 303)


def _save(person_id: int, **changes: str) -> None:
    with write_session(db()) as s:
        row = s.get(Person, person_id)
        if row is None:
            return
        for name, value in changes.items():
            setattr(row, name, value)
        s.add(row)
    g.pop("page_person", None)  # the page after this one reads the person again


def _page(values: dict[str, str], errors: dict[str, tuple[str, dict]], status: int = 200):
    person = current_person()
    locale = texts.normalize(person.locale)
    zone = zones.reader_zone(person)
    organisation = zones.organisation_zone()
    return render_template(
        "settings.html", values=values,
        errors={name: texts.field_error(code, params, locale)
                for name, (code, params) in errors.items()},
        common=[name for name in zones.COMMON if zones.known(name)],
        others=[name for name in zones.choices() if name not in zones.COMMON],
        organisation=formats.zone_label(organisation, utcnow()),
        now=formats.format_time(utcnow(), locale, zone),
        current=formats.zone_label(zone, utcnow())), status
