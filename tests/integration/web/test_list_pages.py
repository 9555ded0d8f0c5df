"""The lists as pages: the navigation between My tasks, Done by me, Started by me and
Watching with each one's count, the inbox's count on the main menu, the GET form whose links
keep the search and filters, both languages, and a parameter that cannot be read shown as a
message over the whole list (never an error page)."""

from __future__ import annotations

import io
import re

from tests.integration.web.site import open_task

CONTRACT = "/processes/contract-approval/start"


def start(ivan, title: str, amount: str) -> int:
    response = ivan.submit(CONTRACT, CONTRACT, {
        "title": title, "counterparty": "ООО «Ромашка»", "amount": amount,
        "approvers": "anna@example.com, boris@example.com",
        "contract": (io.BytesIO(b"%PDF-1.4 version one"), "contract.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="tab-(\w+)"[^>]*>[^<]*<span class="count"[^>]*>(\d+)<', html))


def test_the_lists_count_navigate_and_keep_their_filters(app, browsers) -> None:
    ivan = browsers("ivan")
    first = start(ivan, "Договор поставки", "500000")
    start(ivan, "Аренда склада", "90000")
    anna = browsers("anna")
    task = open_task(app, first, "anna")
    decided = anna.submit(f"/tasks/{task}", f"/tasks/{task}/decide",
                          {"verdict": "approve", "comment": ""})
    assert decided.status_code == 303

    inbox = anna.get("/").text
    # Watching is counted on its own page only (its count is too dear for every inbox page)
    assert counts(inbox) == {"open": "1", "done": "1", "started": "0"}
    assert re.search(r'href="/"[^>]*>My tasks <span class="count"[^>]*>1</span>', inbox)
    done = anna.get("/done").text
    assert "Договор поставки" in done and "Approved" in done and "Аренда склада" not in done
    assert 'aria-current="page">Done by me' in done
    watching = anna.get("/watching").text
    assert "Договор поставки" in watching
    assert counts(watching) == {"open": "1", "done": "1", "started": "0", "watching": "1"}
    started = ivan.get("/started?q=СКЛАД&sort=amount&limit=1").text
    assert "Аренда склада" in started and "Договор поставки" not in started
    assert 'value="СКЛАД"' in started and '<option value="amount" selected>' in started

    # each word is found somewhere in the instance: its title, a person, the process's name
    assert "Аренда склада" in ivan.get("/started?q=склада%20Ivan%20согласование").text
    assert "Nothing matches" in ivan.get("/started?q=поставки%20склада").text  # not together
    # a page's links carry the search and the sort
    paged = ivan.get("/started?sort=amount&order=asc&limit=1").text
    assert 'rel="next" href="/started?sort=amount&amp;order=asc&amp;limit=1&amp;page=2"' in paged
    assert "Аренда склада" in paged

    russian = browsers("boris").get("/?q=аренда").text
    assert "Мои задачи" in russian and "Решённые мной" in russian and "Аренда склада" in russian
    assert "Договор поставки" not in russian and "Фильтры" in russian


def test_a_parameter_that_cannot_be_read_shows_a_message_and_the_whole_list(
        app, browsers) -> None:
    ivan = browsers("ivan")
    start(ivan, "Договор поставки", "500000")
    for path in ("/started?from=yesterday", "/started?sort=title", "/?limit=0&q=x",
                 "/done?status=lost"):
        response = ivan.get(path)
        assert response.status_code == 200, path
        assert "could not be read" in response.text, path
    shown = ivan.get("/started?from=yesterday&q=nothing").text
    assert "Договор поставки" in shown and 'id="list-problem"' in shown
    russian = browsers("boris").get("/?sort=title").text
    assert "не удалось прочитать" in russian
