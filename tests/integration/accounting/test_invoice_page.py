"""The invoice's start page: the currency and the VAT rate start from the process's defaults,
and a refused INN is said next to its field, naming the checksum, with nothing started."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask

from accounting.models import Invoice
from tests.integration.accounting.conftest import invoice_fields
from tests.integration.web.site import Browser, build_app, count

START = "/processes/invoice-payment/start"


@pytest.fixture
def site(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[Flask]:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr("approvals.store.directory._hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    app = build_app(tmp_path)
    yield app
    app.extensions["signoff.db"].dispose()


def _browser(site: Flask, who: str) -> Browser:
    browser = Browser(site.test_client())
    assert browser.login(who).status_code == 303
    return browser


def test_the_form_starts_from_the_defaults(site: Flask) -> None:
    html = _browser(site, "olga").get(START).text
    assert re.search(r'<option value="RUB" selected>RUB — российский рубль</option>', html)
    assert re.search(r'<option value="22" selected>22 %</option>', html)
    assert '<option value="none">Без НДС</option>' in html
    assert 'name="not_duplicate"' in html and "Это не дубликат" in html


def test_a_wrong_inn_is_refused_at_its_field_naming_the_checksum(site: Flask) -> None:
    form = {name: value for name, value in invoice_fields(supplier_inn="7707083894").items()
            if name != "invoice"}
    form["invoice"] = (io.BytesIO(b"%PDF-1.4 invoice"), "invoice.pdf", "application/pdf")
    response = _browser(site, "olga").submit(START, START, form,
                                             content_type="multipart/form-data")
    assert response.status_code == 400
    field = re.search(r'data-field="supplier_inn".*?</div>', response.text, re.S).group(0)
    assert "контрольной суммы" in field and "7707083894" in field
    assert count(site, Invoice) == 0
