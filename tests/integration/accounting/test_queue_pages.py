"""The accountants' queue a page at a time (``accounting.queue.page``): the pages hold the
queue as :func:`accounting.queue.rows` orders it, and the count and the totals per currency
are those of the whole filtered queue, not of the page — in SQLite and in PostgreSQL, where
they are filtered, ordered and summed on the invoice's own row (kept current by a
resubmission; the supplier's name folded for Cyrillic letter case). The page itself:
``?page=`` keeps the filters, and the bank file is made from the rows shown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from accounting import queue
from approvals import service
from approvals.clock import utcnow
from approvals.store.db import read_session
from tests.integration.accounting.conftest import Finance, start_invoice
from tests.integration.accounting.payments_site import PaymentsSite, build, order_of_rows
from tests.integration.flows import open_tasks
from tests.unit.accounting.bankfiles import IVANOV, LUTIK, ROMASHKA


def _to_pay(db, finance: Finance, now, **changes) -> int:
    """An invoice the manager approved: waiting for an accountant."""
    started = start_invoice(db, finance, now, **changes)
    task = open_tasks(db, started.instance_id)[finance["manager"]]
    service.decide(db, task.id, finance["manager"], "approve", "", now)
    return started.instance_id


def _ids(found: list[queue.Row]) -> list[int]:
    return [row.instance_id for row in found]


def test_the_pages_hold_the_queue_and_the_totals_are_of_all_of_it(db, finance: Finance,
                                                                   now) -> None:
    today = now.date()
    waiting = [_to_pay(db, finance, now, number=str(n), amount=amount, currency=currency,
                       due=(today + timedelta(days=days)).isoformat(), **supplier)
               for n, (amount, currency, days, supplier) in enumerate([
                   ("1000,10", "RUB", 20, ROMASHKA), ("2000,20", "RUB", -2, IVANOV),
                   ("300", "USD", 3, ROMASHKA), ("0,01", "RUB", 9, LUTIK),
                   ("4000,00", "RUB", 9, IVANOV)], start=1)]
    start_invoice(db, finance, now, number="9", amount="5")  # still with the manager

    with read_session(db) as session:
        whole = queue.rows(session, queue.Filters(), today)
        pages = [queue.page(session, queue.Filters(), today, n, per_page=2) for n in (1, 2, 3)]
        beyond = queue.page(session, queue.Filters(), today, 4, per_page=2)

    assert sorted(_ids(whole)) == sorted(waiting)
    assert [len(p.rows) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in _ids(p.rows)] == _ids(whole)  # by due date, as before
    assert {p.total for p in pages} == {5} and pages[0].pages == 3
    assert (pages[1].first, pages[1].last) == (3, 4)
    for one in pages:
        assert one.totals == queue.totals(whole)
    assert one.totals[0]["currency"] == "RUB" and str(one.totals[0]["amount"]) == "7000.31"
    assert (one.totals[1]["currency"], str(one.totals[1]["amount"])) == ("USD", "300.00")
    assert [r.task_ids for p in pages for r in p.rows] == [r.task_ids for r in whole]
    assert beyond.rows == [] and beyond.total == 5


@pytest.mark.parametrize("filters", [
    queue.Filters(supplier="РОМАШ"), queue.Filters(inn=IVANOV["supplier_inn"]),
    queue.Filters(status=queue.OVERDUE), queue.Filters(status=queue.WEEK),
    queue.Filters(start=utcnow().date() + timedelta(days=5),
                  end=utcnow().date() + timedelta(days=30)),
    queue.Filters(supplier="нет такого")])
def test_a_filtered_page_is_the_filtered_queue(db, finance: Finance, now,
                                               filters: queue.Filters) -> None:
    today = now.date()
    for n, (days, supplier) in enumerate([(-1, ROMASHKA), (0, IVANOV), (6, LUTIK),
                                          (12, ROMASHKA), (40, IVANOV)], start=1):
        _to_pay(db, finance, now, number=str(n), due=(today + timedelta(days=days)).isoformat(),
                **supplier)

    with read_session(db) as session:
        whole = queue.rows(session, filters, today)
        found = queue.page(session, filters, today)

    assert _ids(found.rows) == _ids(whole) and found.total == len(whole)
    assert found.totals == queue.totals(whole)


def test_the_page_reads_what_a_resubmission_changed(db, finance: Finance, now) -> None:
    """The queue filters, orders and sums on the invoice's own row: a resubmission (sent
    back from the payment stage) brings it up to date with the instance's new values."""
    today = now.date()
    early = _to_pay(db, finance, now, number="1", amount="10,00",
                    due=(today + timedelta(days=2)).isoformat(), **LUTIK)
    revised = _to_pay(db, finance, now, number="2", amount="1000,00",
                      due=(today + timedelta(days=20)).isoformat(), **ROMASHKA)
    accountant, task = next(iter(open_tasks(db, revised).items()))
    service.decide(db, task.id, accountant, "send_back", "The amount and the day are wrong",
                   now + timedelta(minutes=1))
    service.resubmit(db, revised, finance["initiator"], {
        "supplier": "ООО «Ромашка 100%»", "amount": "2500,50",
        "due": (today - timedelta(days=1)).isoformat()}, "Corrected", now + timedelta(minutes=2))
    manager = open_tasks(db, revised)[finance["manager"]]
    service.decide(db, manager.id, finance["manager"], "approve", "", now + timedelta(minutes=3))

    with read_session(db) as session:
        found = queue.page(session, queue.Filters(), today)
        overdue = queue.page(session, queue.Filters(status=queue.OVERDUE), today)
        named = [_ids(queue.page(session, queue.Filters(supplier=text), today).rows)
                 for text in ("РОМАШКА 100%", "ромашка 1_0", "%", "Ромашка»")]
        whole = queue.rows(session, queue.Filters(), today)

    assert _ids(found.rows) == _ids(whole) == [revised, early]  # now due first
    assert found.rows[0].supplier == "ООО «Ромашка 100%»" and found.total == 2
    assert found.totals == queue.totals(whole) == [
        {"currency": "RUB", "amount": Decimal("2510.50"), "count": 2}]
    assert _ids(overdue.rows) == [revised]
    assert named == [[revised], [], [revised], []]  # "%" and "_" are no wildcards


def test_the_migration_folds_the_supplier_of_the_invoices_it_finds(db, finance: Finance,
                                                                   now) -> None:
    """0013 fills ``supplier_key`` of the invoices registered before it."""
    import sqlalchemy as sa
    from alembic import command

    from accounting.models import Invoice
    from approvals.store.db import alembic_config

    _to_pay(db, finance, now, supplier="ООО «Ромашка» Straße")
    url = db.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url), "0012")
    command.upgrade(alembic_config(url), "head")

    with db.connect() as connection:
        assert connection.execute(sa.select(Invoice.supplier_key)).scalar_one() \
            == "ооо «ромашка» strasse"


def test_the_partial_index_of_open_payment_tasks_is_of_the_queues_stage() -> None:
    """PostgreSQL uses ``ix_task_open_payment`` (migration 0014) for the queue only if the
    queue asks for the tasks its condition holds."""
    from approvals.store.models import OPEN_PAYMENT

    assert OPEN_PAYMENT == f"stage = '{queue.PAY}' AND state = 'open'"


@pytest.fixture
def site(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[PaymentsSite]:
    yield from build(tmp_path, monkeypatch, redis_url)


def test_the_page_shows_a_page_of_the_queue_with_the_totals_of_all(
        site: PaymentsSite, monkeypatch) -> None:
    monkeypatch.setattr(queue, "PER_PAGE", 2)
    today = utcnow().date()
    made = [site.to_pay(today + timedelta(days=days), number=str(days), amount="1000,00",
                        **ROMASHKA) for days in (30, 10, 20)]
    maria = site.browser("maria")

    first = maria.get("/payments?supplier=%D1%80%D0%BE%D0%BC%D0%B0%D1%88")  # "ромаш"
    second = maria.get("/payments?supplier=%D1%80%D0%BE%D0%BC%D0%B0%D1%88&page=2")

    assert [i for i, _ in order_of_rows(first.text)] == [made[1], made[2]]
    assert [i for i, _ in order_of_rows(second.text)] == [made[0]]
    for page in (first, second):
        assert 'data-currency="RUB"><strong>3\u00a0000,00 RUB</strong>' in page.text
        assert "Счетов: 3" in page.text
    assert 'rel="next" href="/payments?page=2&amp;supplier=' in first.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    assert f'name="invoice" value="{made[0]}"' in second.text  # the bank file's choice
