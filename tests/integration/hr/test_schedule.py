"""The absence schedule on the pages (web/hr_schedule.py over hr/schedule.py, hr/plan.py and
hr/feeds.py): a department's month as each reader may see it, the yearly vacation plan with its
department-share warning, and the absence calendars at secret URLs read by ``icalendar``.

The site (tests/integration/web/site.py) with: Ivan and Anna in Sales, Ivan reporting to
Boris (Finance); Olga in HR (role ``hr``); Oscar elsewhere. Ivan is on sick leave in December
with Anna as his deputy; Anna is on annual leave over the New Year."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import icalendar
import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlmodel import select

from approvals.store.db import read_session, write_connection, write_session
from approvals.store.models import Deputy, Person, PersonRole
from hr import ledger
from hr.models import Absence, CalendarFeed, VacationPlanEntry
from tests.integration.web.site import Browser, build_app

CREATED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def site(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[Flask]:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.delenv("SIGNOFF_HR_MAX_AWAY_SHARE", raising=False)
    monkeypatch.setattr("approvals.store.directory._hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    app = build_app(tmp_path)
    with write_session(app.extensions["signoff.db"]) as s:
        people = {p.email.partition("@")[0]: p for p in s.exec(select(Person))}
        ivan, anna, boris = people["ivan"], people["anna"], people["boris"]
        ivan.manager_id, anna.department = boris.id, "Sales"
        s.add_all([ivan, anna, PersonRole(person_id=people["olga"].id, role="hr")])
        s.flush()
        deputy = Deputy(person_id=ivan.id, deputy_id=anna.id, starts_on=date(2026, 12, 7),
                        ends_on=date(2026, 12, 11), source="hr", created_at=CREATED)
        s.add(deputy)
        s.flush()
        s.add_all([
            Absence(person_id=ivan.id, kind="sick", starts_on=date(2026, 12, 7),
                    ends_on=date(2026, 12, 11), deputy_record_id=deputy.id, created_at=CREATED),
            Absence(person_id=anna.id, kind="annual", starts_on=date(2026, 12, 28),
                    ends_on=date(2027, 1, 9), created_at=CREATED),
            Absence(person_id=anna.id, kind="trip", starts_on=date(2026, 12, 9),
                    ends_on=date(2026, 12, 9), created_at=CREATED,
                    cancelled_at=CREATED)])  # cancelled: shown nowhere
    yield app
    app.extensions["signoff.db"].dispose()


def login(site: Flask, who: str) -> Browser:
    browser = Browser(site.test_client())
    assert browser.login(who).status_code == 303
    return browser


def cell(html: str, person: str, day: str) -> str:
    """The ``<td>`` of ``person``'s row (by name) on ``day`` (ISO) — "" when not away."""
    row = re.search(rf'<tr data-person="\d+">\s*<th scope="row" class="person" '
                    rf'title="{person}[^"]*">.*?</tr>', html, re.S).group(0)
    found = re.search(rf'<td class="away[^"]*" data-day="{day}"[^>]*>', row)
    return found.group(0) if found else ""


def ids(site: Flask) -> dict[str, int]:
    with read_session(site.extensions["signoff.db"]) as s:
        return {p.email.partition("@")[0]: p.id for p in s.exec(select(Person))}


# ---------------------------------------------------------------------------- the month


def test_colleagues_see_away_and_the_manager_and_hr_see_the_kind_and_the_deputy(site):
    url = "/hr/schedule?month=2026-12&department=sales"
    colleague = login(site, "anna").get(url)
    assert colleague.status_code == 200
    html = colleague.text
    assert "Sales: December 2026" in html
    ivans = cell(html, "Ivan Initiator", "2026-12-08")
    assert 'class="away' in ivans and "sick" not in ivans and "data-kind" not in ivans
    assert "Anna Approver" not in ivans  # the deputy is not the colleague's to see
    assert cell(html, "Ivan Initiator", "2026-12-12") == ""  # the day after
    assert cell(html, "Anna Approver", "2026-12-09") == ""  # the cancelled trip
    # her own absence she sees with its kind
    assert 'data-kind="annual"' in cell(html, "Anna Approver", "2026-12-31")
    # per day: one away on the 8th; weekends shaded (5 December 2026 is a Saturday)
    assert re.search(r'<td class="many" title="1 away">1</td>', html)
    assert re.search(r'<th scope="col" class="off"[^>]*>\s*<span class="day-number">5<', html)

    for reader in ("boris", "olga", "ada"):  # the manager, HR, an administrator
        seen = cell(login(site, reader).get(url).text, "Ivan Initiator", "2026-12-08")
        assert 'data-kind="sick"' in seen, reader
        assert "Anna Approver" in seen, reader  # who deputises, in the cell's title
    assert 'data-kind' not in cell(login(site, "oscar").get(url).text, "Ivan Initiator",
                                   "2026-12-08")


def test_my_department_and_this_month_by_default_in_my_language_and_bad_input_is_named(site):
    html = login(site, "ivan").get("/hr/schedule").text
    assert 'option value="Sales" selected' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    russian = login(site, "olga").get("/hr/schedule?month=2027-01&department=Sales")  # HR
    assert "Sales: Январь 2027" in russian.text and "Отсутствуют" in russian.text
    assert 'data-kind="annual"' in cell(russian.text, "Anna Approver", "2027-01-09")
    bad = login(site, "ivan").get("/hr/schedule?month=2026-13&department=Nowhere")
    assert bad.status_code == 400
    assert "“2026-13” is not a month" in bad.text and "There is no department “Nowhere”" \
        in bad.text


# ---------------------------------------------------------------------------- the plan


def test_the_plan_warns_when_more_than_the_share_of_the_department_is_away(site, monkeypatch):
    monkeypatch.setenv("SIGNOFF_HR_MAX_AWAY_SHARE", "0.5")  # one of Sales' two may be away
    ivan, anna = login(site, "ivan"), login(site, "anna")
    page = "/hr/plan?year=2027&department=Sales"
    proposed = ivan.submit(page, "/hr/plan", {
        "year": "2027", "part1_from": "2027-07-01", "part1_to": "2027-07-14",
        "part2_from": "2027-10-01", "part2_to": "2027-10-05"})
    assert proposed.status_code == 303
    assert anna.submit(page, "/hr/plan", {"year": "2027", "part1_from": "2027-07-10",
                                          "part1_to": "2027-07-20"}).status_code == 303
    html = anna.get(page).text
    warnings = re.findall(r'<li class="warn-crowded">([^<]*)</li>', html)
    assert len(warnings) == 1, warnings  # 10-14 July only, the days both are away
    assert warnings[0].endswith(": 2 of 2 people away, more than 1 (50% of the department).")
    assert "10" in warnings[0].split("–")[0] and "14" in warnings[0].split("–")[1]
    # Anna's one part of 11 days is no part of 14 days (art. 125), but what she has left
    # could still make one; once her balance is spent (an adjustment), it cannot: warned
    assert 'class="warn-long-part"' not in html
    who = ids(site)
    with write_connection(site.extensions["signoff.db"]) as conn:
        ledger.add(conn, who["anna"], "annual", "adjustment", Decimal("-90"), date(2027, 1, 1),
                   "Taken in advance", who["olga"], now=CREATED)
    html = anna.get(page).text
    assert re.findall(r'<li class="warn-long-part">([^:]*):', html) == ["Anna Approver"]

    # a part that leaves the year, or overlaps her own, is refused and nothing is kept
    refused = anna.submit(page, "/hr/plan", {"year": "2027", "part1_from": "2027-12-20",
                                             "part1_to": "2028-01-05", "part2_from":
                                             "2027-07-15", "part2_to": "2027-07-16"})
    assert refused.status_code == 400
    assert "is not within 2027" in refused.text
    assert "overlaps your part 2027-07-10 – 2027-07-20" in refused.text
    with read_session(site.extensions["signoff.db"]) as s:
        assert len(s.exec(select(VacationPlanEntry)).all()) == 3


def test_the_manager_decides_hr_publishes_and_then_an_approved_part_stays(site):
    who = ids(site)
    ivan = login(site, "ivan")
    page = "/hr/plan?year=2027&department=Sales"
    ivan.submit(page, "/hr/plan", {"year": "2027", "part1_from": "2027-06-01",
                                   "part1_to": "2027-06-14"})
    with read_session(site.extensions["signoff.db"]) as s:
        entry = s.exec(select(VacationPlanEntry)).one().id
    # a colleague decides nothing; Ivan neither (his own part); Boris (his manager) does
    assert login(site, "anna").submit(page, f"/hr/plan/{entry}/decide",
                                      {"verdict": "approve"}).status_code == 403
    assert ivan.submit(page, f"/hr/plan/{entry}/decide",
                       {"verdict": "approve"}).status_code == 403
    boris = login(site, "boris")
    assert boris.submit(page, f"/hr/plan/{entry}/decide",
                        {"verdict": "approve"}).status_code == 303
    assert 'data-state="approved"' in boris.get(page).text
    # only HR publishes
    assert boris.submit(page, "/hr/plan/publish", {"department": "Sales",
                                                   "year": "2027"}).status_code == 403
    olga = login(site, "olga")
    assert olga.submit(page, "/hr/plan/publish", {"department": "Sales",
                                                  "year": "2027"}).status_code == 303
    assert olga.submit(page, "/hr/plan/publish", {"department": "Sales",
                                                  "year": "2027"}).status_code == 409
    html = ivan.get(page).text
    assert "approved parts are binding" in html
    assert f'action="/hr/plan/{entry}/withdraw"' not in html
    refused = ivan.submit(page, f"/hr/plan/{entry}/withdraw", {})
    assert refused.status_code == 409
    with read_session(site.extensions["signoff.db"]) as s:
        kept = s.get(VacationPlanEntry, entry)
        assert (kept.state, kept.decided_by_id) == ("approved", who["boris"])


# ---------------------------------------------------------------------------- feeds


def feed_url(response) -> str:
    assert response.status_code == 200, response.text[:500]
    return re.search(r'<p class="feed-url" id="feed-url">http://[^/]+(/feeds/[^<]+)</p>',
                     response.text).group(1)


def test_a_feed_is_a_calendar_at_a_secret_url_that_never_names_the_leave_type(site):
    ivan = login(site, "ivan")
    url = feed_url(ivan.submit("/hr/feeds", "/hr/feeds", {"scope": "person"}))
    token = url.removeprefix("/feeds/").removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    with read_session(site.extensions["signoff.db"]) as s:
        [row] = s.exec(select(CalendarFeed)).all()
        assert token not in row.token_hash and len(row.token_hash) == 64
    anonymous = site.test_client().get(url)
    assert anonymous.status_code == 200
    assert anonymous.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(anonymous.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ivan Initiator — away"
    assert event.decoded("DTSTART") == date(2026, 12, 7)
    assert event.decoded("DTEND") == date(2026, 12, 12)
    assert "sick" not in anonymous.text.lower()

    # a department feed, by Boris (he manages Ivan): everyone in Sales, no kinds, in Russian
    boris = login(site, "boris")
    department = feed_url(boris.submit("/hr/feeds", "/hr/feeds", {
        "scope": "department", "department": "Sales", "show_kinds": "1"}))
    events = icalendar.Calendar.from_ical(site.test_client().get(department).data)
    titles = sorted(str(e["SUMMARY"]) for e in events.walk("VEVENT"))
    assert titles == ["Anna Approver — отсутствует", "Ivan Initiator — отсутствует"]
    assert not re.search(r"sick|annual|больнич|отпуск", "".join(titles), re.I)
    # a colleague may not make one
    assert login(site, "anna").submit("/hr/feeds", "/hr/feeds", {
        "scope": "department", "department": "Sales"}).status_code == 403

    # revoked: 404, as an unknown token is
    with read_session(site.extensions["signoff.db"]) as s:
        mine = s.exec(select(CalendarFeed).where(CalendarFeed.scope == "person")).one().id
    assert login(site, "oscar").submit("/hr/feeds", f"/hr/feeds/{mine}/revoke",
                                       {}).status_code == 403
    assert ivan.submit("/hr/feeds", f"/hr/feeds/{mine}/revoke", {}).status_code == 303
    assert site.test_client().get(url).status_code == 404
    assert site.test_client().get("/feeds/" + "x" * 43 + ".ics").status_code == 404
    assert "revoked" in ivan.get("/hr/feeds").text


def test_the_owner_may_name_the_kinds_in_a_feed_of_their_own(site):
    ivan = login(site, "ivan")
    url = feed_url(ivan.submit("/hr/feeds", "/hr/feeds", {"scope": "person",
                                                          "show_kinds": "1"}))
    [event] = icalendar.Calendar.from_ical(site.test_client().get(url).data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ivan Initiator — sick leave"


_KEY = re.compile(r"(?<![\w/.-])(?:schedule|plan|feeds|hr_calendar)\.[a-z_]+(?:\.[a-z0-9_]+)*")


@pytest.mark.parametrize("who", ["ivan", "olga"])  # English, Russian
def test_every_text_of_the_pages_is_worded(site, who):
    browser = login(site, who)
    for url in ("/hr/schedule?month=2026-12&department=Sales",
                "/hr/schedule?month=2027-01&department=Sales",
                "/hr/plan?year=2027&department=Sales", "/hr/feeds"):
        html = browser.get(url).text
        assert not _KEY.findall(html), (url, _KEY.findall(html))
