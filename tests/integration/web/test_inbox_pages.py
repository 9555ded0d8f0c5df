"""The inbox a page at a time: "Showing 1–2 of 3", previous and next, oldest first, each
row's bulk answers from what the page read."""

from __future__ import annotations

import io

from approvals.store import lists

CONTRACT = "/processes/contract-approval/start"


def test_the_inbox_shows_a_page_of_the_tasks_and_how_many_there_are(
        app, browsers, monkeypatch) -> None:
    monkeypatch.setattr(lists.Listing, "limit", 2)
    ivan = browsers("ivan")
    for n in range(3):
        response = ivan.submit(CONTRACT, CONTRACT, {
            "title": f"Supply contract {n}", "counterparty": "Acme LLC", "amount": "150000",
            "approvers": "anna@example.com, boris@example.com",
            "contract": (io.BytesIO(b"%PDF-1.4 version one"), "contract-v1.pdf",
                         "application/pdf")}, content_type="multipart/form-data")
        assert response.status_code == 303
    anna = browsers("anna")

    first, second = anna.get("/").text, anna.get("/?page=2").text
    russian = browsers("boris").get("/").text  # Boris reads Russian

    assert "Showing 1–2 of 3" in first and "Showing 3–3 of 3" in second
    assert "Показаны 1–2 из 3" in russian
    assert "Supply contract 0" in first and "Supply contract 1" in first
    assert "Supply contract 2" not in first and "Supply contract 2" in second
    assert 'rel="next" href="/?page=2"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="/?page=1"' in second and 'rel="next"' not in second
    assert "Showing 1–2 of 3" in anna.get("/?page=nonsense").text
    assert "back to the first" in anna.get("/?page=7").text
