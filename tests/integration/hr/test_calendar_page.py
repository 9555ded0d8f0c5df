"""HR's calendar page (``/hr/calendar``): everyone logged in reads the year — twelve month
grids, the totals the published calendar gives, a provisional year said so; HR adds a day, and
the page's totals and every deadline count with it; a CSV with bad lines is refused line by
line with nothing stored; a day is removed; only HR and administrators change anything."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlmodel import select

from approvals.store.db import read_session, write_session
from approvals.store.models import Person, PersonRole
from hr.models import CompanyDay
from tests.integration.web.site import Browser, build_app, count

PAGE = "/hr/calendar"


@pytest.fixture
def site(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[Flask]:
    """The page tests' site, with Olga in HR (role ``hr``)."""
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr("approvals.store.directory._hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    app = build_app(tmp_path)
    with write_session(app.extensions["signoff.db"]) as session:
        olga = session.exec(select(Person).where(Person.email == "olga@example.com")).one()
        session.add(PersonRole(person_id=olga.id, role="hr"))
    yield app
    app.extensions["signoff.db"].dispose()


def _browser(site: Flask, who: str) -> Browser:
    browser = Browser(site.test_client())
    assert browser.login(who).status_code == 303
    return browser


def _days(site: Flask) -> dict[date, tuple[str, str]]:
    with read_session(site.extensions["signoff.db"]) as session:
        return {row.day: (row.kind, row.reason) for row in session.exec(select(CompanyDay))}


def _cell(html: str, day: str) -> str:
    return re.search(rf'<td [^>]*data-day="{day}"[^>]*>', html).group(0)


def _total(html: str, month: str) -> list[str]:
    row = re.search(rf'<tr data-month="{month}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r"<td>([^<]*)</td>", row)


def test_everyone_reads_the_year_with_the_published_totals(site: Flask) -> None:
    html = _browser(site, "anna").get(f"{PAGE}?year=2026").text
    assert "Production calendar 2026" in html
    assert len(re.findall(r'<table class="cal-month"', html)) == 12
    assert "No. 1466" in html or "№ 1466" in html  # the decree, not provisional
    assert "Provisional" not in html
    # the published 2026 calendar: 247 working days, 1,972 hours of a 40-hour week
    assert _total(html, "year")[:2] == ["247", "1,972"]
    assert _total(html, "1")[:2] == ["15", "120"]
    assert 'data-kind="holiday"' in _cell(html, "2026-01-07")
    assert 'data-kind="day_off"' in _cell(html, "2026-12-31")  # moved by the decree
    assert 'data-kind="shortened"' in _cell(html, "2026-04-30")  # before 1 May
    assert 'data-kind="working"' in _cell(html, "2026-06-15")
    # Anna reads but changes nothing: no forms, no remove buttons
    assert 'action="/hr/calendar/days"' not in html and "/hr/calendar/import" not in html


def test_a_provisional_year_says_so_and_a_bad_year_is_named(site: Flask) -> None:
    browser = _browser(site, "boris")
    assert "Предварительный" in browser.get(f"{PAGE}?year=2027").text
    refused = browser.get(f"{PAGE}?year=20x6")
    assert refused.status_code == 400
    assert "«20x6» — не год от 1991 до 2100" in refused.text


def test_hr_adds_a_day_and_the_totals_and_deadlines_count_with_it(site: Flask) -> None:
    browser = _browser(site, "olga")
    answer = browser.submit(f"{PAGE}?year=2026", "/hr/calendar/days", {
        "date": "15.06.2026", "kind": "day_off", "reason": "Корпоратив", "year": "2026"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("year=2026")
    assert _days(site) == {date(2026, 6, 15): ("day_off", "Корпоратив")}
    html = browser.get(answer.headers["Location"]).text
    assert "15.06.2026 теперь для компании: выходной." in html
    cell = _cell(html, "2026-06-15")
    assert 'data-kind="day_off"' in cell and 'data-company="day_off"' in cell
    assert "Корпоратив" in cell
    assert _total(html, "6")[:2] == ["20", "159"]  # June: 21 days, 167 h, less one day
    assert _total(html, "year")[:2] == ["246", "1\xa0964"]  # Olga reads Russian
    listed = re.search(r'<tr class="company-day" data-day="2026-06-15">.*?</tr>', html, re.S)
    assert "Ольга Петрова" in listed.group(0)
    # the calendar every command counts with has it too
    from hr.extensions import production_calendar
    with site.extensions["signoff.db"].connect() as conn:
        assert not production_calendar(conn).is_working_day(date(2026, 6, 15))


def test_a_bad_day_is_refused_at_its_fields_and_nothing_is_stored(site: Flask) -> None:
    answer = _browser(site, "ada").submit(PAGE, "/hr/calendar/days", {
        "date": "31.02.2026", "kind": "holiday", "reason": "x" * 201})
    assert answer.status_code == 400
    errors = dict(re.findall(r'data-field="(\w+)".*?class="field-error"[^>]*>([^<]*)<',
                             answer.text, re.S))
    assert errors == {
        "date": "“31.02.2026” is not a date (write YYYY-MM-DD or DD.MM.YYYY).",
        "kind": "“holiday” is not a kind of day: choose a day off, a working day or a "
                "shortened day.",
        "reason": "The reason is 201 characters long; at most 200."}
    assert count(site, CompanyDay) == 0


def test_a_csv_with_bad_lines_names_them_and_stores_nothing(site: Flask) -> None:
    browser = _browser(site, "ada")
    csv = "date,kind,reason\n2026-06-15,day_off,ok\n2026-06-32,day_off,\n2026-06-16,party,\n"
    answer = browser.submit(PAGE, "/hr/calendar/import", {
        "file": (io.BytesIO(csv.encode()), "days.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 400
    problems = re.search(r'class="alert error file-problems".*?</div>', answer.text, re.S)
    assert re.findall(r"<li>([^<]*)</li>", problems.group(0)) == [
        "Line 3: “2026-06-32” is not a date (write YYYY-MM-DD or DD.MM.YYYY).",
        "Line 4: “party” is not a kind of day (day_off, working_day or shortened; in Russian "
        "выходной, рабочий or сокращённый)."]
    assert count(site, CompanyDay) == 0
    latin1 = browser.submit(PAGE, "/hr/calendar/import", {
        "file": (io.BytesIO("date,kind\n01.05.2026,выходной\n".encode("cp1251")), "w.csv")},
        content_type="multipart/form-data")
    assert latin1.status_code == 400 and "w.csv is not UTF-8 text" in latin1.text
    assert count(site, CompanyDay) == 0


def test_a_csv_is_imported_then_a_day_removed(site: Flask) -> None:
    browser = _browser(site, "olga")
    csv = "date;kind;reason\n29.12.2026;сокращённый;\n30.12.2026;выходной;Новый год\n"
    answer = browser.submit(PAGE, "/hr/calendar/import", {
        "file": (io.BytesIO(csv.encode("utf-8-sig")), "days.csv")},
        content_type="multipart/form-data")
    assert answer.status_code == 303, answer.text[:500]
    assert _days(site) == {date(2026, 12, 29): ("shortened", ""),
                           date(2026, 12, 30): ("day_off", "Новый год")}
    html = browser.get(answer.headers["Location"]).text
    assert "добавлено дней — 2, изменено — 0, без изменений — 0" in html
    assert 'data-kind="shortened"' in _cell(html, "2026-12-29")
    removed = browser.submit(f"{PAGE}?year=2026", "/hr/calendar/days/2026-12-30/remove", {})
    assert removed.status_code == 303
    assert set(_days(site)) == {date(2026, 12, 29)}
    again = browser.submit(f"{PAGE}?year=2026", "/hr/calendar/days/2026-12-30/remove", {})
    assert again.status_code == 404


def test_only_hr_and_administrators_change_the_days(site: Flask) -> None:
    browser = _browser(site, "anna")
    for action, data in (("/hr/calendar/days", {"date": "2026-06-15", "kind": "day_off"}),
                         ("/hr/calendar/import", {}),
                         ("/hr/calendar/days/2026-06-15/remove", {})):
        assert browser.submit(PAGE, action, data).status_code == 403
    assert count(site, CompanyDay) == 0
    assert browser.client.get(PAGE).status_code == 200
    anonymous = site.test_client().get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
