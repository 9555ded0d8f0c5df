"""Who may start a process is enforced by :func:`approvals.service.start` itself, not only by
the pages that hide it (SQLite and PostgreSQL): a refused start writes nothing."""

from __future__ import annotations

import pytest

from approvals import service
from approvals.core.errors import ExampleProcess, FormInvalid, NotAStarter
from approvals.store.models import AuditEvent, Instance
from tests.integration.catalogue_cases import add_process, give_role
from tests.integration.flows import rows

TAXI = {"title": "Taxi to the client"}


def test_only_the_starters_and_administrators_start_a_restricted_process(db, org, now,
                                                                         tmp_path) -> None:
    add_process(db, tmp_path, now)
    for outsider in (org.initiator, org.manager):  # Sales
        with pytest.raises(NotAStarter) as refused:
            service.start(db, "petty-cash", outsider, TAXI, now)
        assert refused.value.status == 403
    assert rows(db, Instance) == [] and rows(db, AuditEvent) == []
    anna, boris, _ = org.approvers
    assert service.start(db, "petty-cash", anna, TAXI, now).status == "running"  # Legal
    with pytest.raises(NotAStarter):
        service.start(db, "petty-cash", boris, TAXI, now)  # Finance
    give_role(db, org.email(boris), "accounting")
    service.start(db, "petty-cash", boris, TAXI, now)
    service.start(db, "petty-cash", org.admin, TAXI, now)
    assert len(rows(db, Instance)) == 3


def test_the_notation_example_is_started_by_administrators_only(db, org, now) -> None:
    with pytest.raises(ExampleProcess):
        service.start(db, "document-approval-statuses", org.initiator, {}, now)
    with pytest.raises(FormInvalid):  # past the gate: the form's own checks
        service.start(db, "document-approval-statuses", org.admin, {}, now)
    assert rows(db, Instance) == []
