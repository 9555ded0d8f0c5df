"""The reports page and its CSV (web/reports.py): who sees what (a department's head their
department and those below it, administrators and auditors everything, anyone else 403 and no
link in the menu), the charts as inline SVG with a title and the same figures in tables, both
languages, a parameter that cannot be read (400 with the message), and the CSV's content."""

from __future__ import annotations

import io
import re

from sqlmodel import select

from approvals.clock import utcnow
from approvals.store.db import write_session
from approvals.store.models import Department, Person, PersonRole
from tests.integration.web.site import ids, open_task

CONTRACT = "/processes/contract-approval/start"


def start(browser, title: str, approvers: str = "anna@example.com, boris@example.com") -> int:
    response = browser.submit(CONTRACT, CONTRACT, {
        "title": title, "counterparty": "ООО «Ромашка»", "amount": "150000",
        "approvers": approvers,
        "contract": (io.BytesIO(b"%PDF-1.4 version one"), "contract.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def organise(app) -> None:
    """Anna heads Sales (Ivan's); Legal (hers) lies below it; Olga audits."""
    people = ids(app)
    with write_session(app.extensions["signoff.db"]) as s:
        s.add_all([Department(name="Sales", head_id=people["anna"]),
                   Department(name="Legal", parent="sales"),
                   PersonRole(person_id=people["olga"], role="auditor")])


def total(html: str, name: str) -> str:
    found = re.search(rf'id="total-{name}">([^<]*)<', html)
    assert found, name
    return found.group(1)


def test_who_sees_which_reports(app, browsers) -> None:
    organise(app)
    ivan, boris = browsers("ivan"), browsers("boris")
    first = start(ivan, "Договор поставки")
    start(ivan, "Аренда склада", approvers="boris@example.com")
    start(boris, "Boris's own contract", approvers="anna@example.com")
    anna = browsers("anna")
    for who, person in (("anna", anna), ("boris", boris)):  # the approval stage is done
        task = open_task(app, first, who)
        assert person.submit(f"/tasks/{task}", f"/tasks/{task}/decide",
                             {"verdict": "approve", "comment": ""}).status_code == 303

    page = anna.get("/reports")
    assert page.status_code == 200
    html = page.text
    assert 'href="/reports" aria-current="page">Reports</a>' in html  # the menu's link
    assert "You see the instances started in: Legal, Sales." in html
    assert total(html, "started") == "2" and total(html, "completed") == "0"  # not Boris's
    for chart in ("trend", "stages"):
        assert re.search(rf'<svg id="chart-{chart}" role="img" aria-labelledby="chart-{chart}'
                         rf'-title chart-{chart}-desc" viewBox="0 0 480 \d+"', html), chart
    assert '<title id="chart-trend-title">Instances by week</title>' in html
    assert 'class="direct-label">Started: 2</text>' in html  # this week's, labelled directly
    assert 'id="table-weeks"' in html and 'id="table-stages"' in html
    assert "p90 " in html and "median " in html  # the stage bars' own labels
    assert 'id="chart-overdue"' in html  # the approval stage has a deadline
    assert 'href="/reports.csv?from=' in html

    everything = browsers("ada").get("/reports").text
    assert "You see the instances of everyone." in everything
    assert "(days as in UTC)." in everything  # nobody here has a zone of their own
    # the default period ends today: unless today is a Sunday its week is marked partial
    partial = utcnow().weekday() != 6
    assert ('id="partial-note"' in everything) is partial
    assert ("(part of the week)</span>" in everything) is partial
    assert total(everything, "started") == "3"
    russian = browsers("olga").get("/reports").text  # an auditor, in Russian
    assert "Отчёты" in russian and "Процессы по неделям" in russian
    assert total(russian, "started") == "3"

    for path in ("/reports", "/reports.csv"):
        assert boris.get(path).status_code == 403, path  # heads nothing
    assert 'href="/reports"' not in boris.get("/").text
    assert browsers("oscar").get("/reports?from=nonsense").status_code == 403  # refusal first
    assert 'href="/reports"' in anna.get("/").text


def test_a_parameter_that_cannot_be_read_is_shown_with_400(app, browsers) -> None:
    admin = browsers("ada")
    for path, words in (("/reports?from=yesterday", "From: Enter a date"),
                        ("/reports?from=2026-03-10&to=2026-03-01", "The last day is before"),
                        ("/reports?from=2019-01-01&to=2026-01-01", "at most 1098 days")):
        shown = admin.get(path)
        assert shown.status_code == 400, path
        assert 'id="report-problem"' in shown.text and words in shown.text, path
        assert 'id="chart-trend"' in shown.text  # the default period's figures under it
    assert admin.get("/reports.csv?to=9999-12-31").status_code == 400


def test_the_csv_holds_the_same_figures(app, browsers) -> None:
    ivan = browsers("ivan")
    first = start(ivan, "Supply contract 7")
    for who in ("anna", "boris"):
        task = open_task(app, first, who)
        assert browsers(who).submit(f"/tasks/{task}", f"/tasks/{task}/decide", {
            "verdict": "approve", "comment": ""}).status_code == 303
    with write_session(app.extensions["signoff.db"]) as s:
        olga = s.exec(select(Person).where(Person.email == "olga@example.com")).one()
        s.add(PersonRole(person_id=olga.id, role="auditor"))
    page = browsers("ada").get("/reports?process=contract-approval").text
    link = re.search(r'id="report-csv" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    english = browsers("ada").get(link)
    assert english.status_code == 200 and english.mimetype == "text/csv"
    assert "attachment" in english.headers["Content-Disposition"]
    lines = english.data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ('Process,From,To,Started,Completed,Rejected,Withdrawn,"Median, hours",'
                        'Tasks with a deadline,Overdue,"Overdue, %"')
    assert lines[1].startswith("Contract approval,") and ",1,0,0,0," in lines[1]
    assert lines[3].startswith("Process,Stage,Instances,")
    assert lines[4].startswith("Contract approval,Approval,1,0.00,0.00")
    assert any(line.startswith("Week,Week starts,Started") for line in lines)
    russian = browsers("olga").get(link).data.decode("utf-8-sig")
    assert russian.startswith("Процесс;С;По;Запущено;") and "Согласование договора;" in russian
    assert ";0,00;0,00" in russian  # hours with a decimal comma
