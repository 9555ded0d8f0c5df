"""The process catalogue page (``/processes``): grouped by area in the reader's language, a
search that works without JavaScript, the notation example shown only to administrators, and
a process with ``starters`` shown to and started by them alone."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from approvals.store.models import Instance
from tests.integration.catalogue_cases import add_process, give_role
from tests.integration.web.site import NOW, count, csrf_token

EXAMPLE = "/processes/document-approval-statuses/start"
PETTY = "/processes/petty-cash/start"


@pytest.fixture
def restricted(app: Flask, tmp_path) -> None:
    add_process(app.extensions["signoff.db"], tmp_path, NOW)


def headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="area-[a-z]+">([^<]+)</h2>', html)


def section(html: str, area: str) -> str:
    match = re.search(rf'<section class="catalogue-area" aria-labelledby="area-{area}">'
                      r"(.*?)</section>", html, re.S)
    assert match, f"no {area} section"
    return match.group(1)


def test_the_catalogue_groups_the_processes_by_area_each_with_its_description(browsers) -> None:
    html = browsers("ivan").get("/processes").text
    assert headings(html) == ["Documents", "Finance", "HR", "Sales", "Other"]
    documents = section(html, "documents")
    for name in ("Contract approval", "Document approval", "Acknowledgement"):
        assert name in documents, name
    assert "Invoice payment" in section(html, "finance")
    assert "Vacation request" in section(html, "hr") and "Lead handling" in section(html, "sales")
    assert 'href="/processes/every-field/start"' in section(html, "other")  # no area
    assert "One field of every type." in section(html, "other")
    assert "Every reviewer approves the document" in documents
    assert 'role="search"' in html and 'name="q"' in html


def test_the_catalogue_in_russian(browsers) -> None:
    html = browsers("olga").get("/processes").text
    assert headings(html) == ["Документы", "Финансы", "Кадры", "Продажи", "Прочее"]
    assert "Согласование договора" in section(html, "documents")
    assert "Найти процесс" in html


def test_the_search_matches_names_and_descriptions_in_any_letter_case(browsers) -> None:
    ivan = browsers("ivan")
    html = ivan.get("/processes?q=VACATION").text
    assert headings(html) == ["HR"]
    assert 'href="/processes/vacation/start"' in html
    assert 'value="VACATION"' in html and 'href="/processes"' in html  # kept, and a way back
    by_description = ivan.get("/processes?q=every+type").text  # every-field's description
    assert re.findall(r'href="/processes/([a-z-]+)/start"', by_description) == ["every-field"]
    nothing = ivan.get("/processes?q=spaceship")
    assert nothing.status_code == 200
    assert "No process matches “spaceship”." in nothing.text and not headings(nothing.text)


@pytest.mark.usefixtures("restricted")
def test_the_search_in_russian_folds_case_and_yo(browsers) -> None:
    olga = browsers("olga")
    html = olga.get("/processes", query_string={"q": "ДОКУМЕНТА"}).text
    found = re.findall(r'href="/processes/([a-z-]+)/start"', html)
    assert "document-approval" in found
    assert "vacation" not in found and "Финансы" not in headings(html)
    # "Подотчётные средства" is found written with е, as many type it
    assert re.findall(r'href="/processes/([a-z-]+)/start"', olga.get(
        "/processes", query_string={"q": "подотчетные"}).text) == ["petty-cash"]
    nothing = olga.get("/processes", query_string={"q": "космолёт"}).text
    assert "Нет процессов по запросу «космолёт»." in nothing


def test_the_example_is_hidden_from_a_person_and_not_startable(browsers) -> None:
    ivan = browsers("ivan")
    assert "document-approval-statuses" not in ivan.get("/processes").text
    assert f'href="{EXAMPLE}"' not in ivan.get("/").text  # the inbox's start buttons
    refused = ivan.get(EXAMPLE)
    assert refused.status_code == 403
    assert "an example of how processes are written and cannot be started" in refused.text
    in_russian = browsers("olga").get(EXAMPLE)
    assert in_russian.status_code == 403
    assert "Этот процесс — пример записи процесса, его нельзя запустить." in in_russian.text


def test_an_administrator_sees_the_example_marked(browsers) -> None:
    ada = browsers("ada")
    documents = section(ada.get("/processes").text, "documents")
    item = re.search(r'href="/processes/document-approval-statuses/start">[^<]+</a>\s*'
                     r'<span class="badge plain"[^>]*>([^<]+)</span>', documents)
    assert item and item.group(1) == "Example"
    assert documents.count('class="badge plain"') == 1  # the others are not examples
    assert ada.get(EXAMPLE).status_code == 200


@pytest.mark.usefixtures("restricted")
def test_starters_see_the_process_others_do_not(app: Flask, browsers) -> None:
    assert "petty-cash" not in browsers("ivan").get("/processes").text  # Sales, no role
    assert f'href="{PETTY}"' not in browsers("ivan").get("/").text
    olga = section(browsers("olga").get("/processes").text, "finance")  # Юридический отдел
    assert "Подотчётные средства" in olga and "Наличные на мелкие покупки." in olga
    assert "petty-cash" in browsers("anna").get("/processes").text  # Legal
    assert "petty-cash" in browsers("ada").get("/processes").text  # an administrator
    give_role(app.extensions["signoff.db"], "boris@example.com", "accounting")
    assert "petty-cash" in browsers("boris").get("/processes").text


@pytest.mark.usefixtures("restricted")
def test_a_person_who_is_not_a_starter_can_neither_open_nor_post_the_form(app: Flask,
                                                                          browsers) -> None:
    ivan = browsers("ivan")
    page = ivan.get(PETTY)
    assert page.status_code == 403
    assert "it is started only by the roles or departments named for it" in page.text
    token = csrf_token(ivan.get("/processes").text)
    posted = ivan.client.post(PETTY, data={"title": "Taxi", "csrf_token": token})
    assert posted.status_code == 403
    assert count(app, Instance) == 0  # nothing written
    russian = browsers("boris").get(PETTY)  # Finance, no role
    assert russian.status_code == 403
    assert "Вы не можете запустить этот процесс" in russian.text


@pytest.mark.usefixtures("restricted")
def test_a_starter_starts_it(app: Flask, browsers) -> None:
    olga = browsers("olga")
    response = olga.submit(PETTY, PETTY, {"title": "Такси"})
    assert response.status_code == 303, response.text
    assert count(app, Instance) == 1
