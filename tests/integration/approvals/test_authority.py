"""The service works out who is an administrator itself: no entry point passes authority in."""

from __future__ import annotations

import inspect

import pytest

from approvals import service
from approvals.core.errors import Forbidden
from tests.integration.flows import start_contract


@pytest.mark.parametrize("command", [service.withdraw, service.reopen, service.reassign])
def test_the_service_takes_no_authority_flag(command):
    assert not {"is_admin", "roles", "admin"} & set(inspect.signature(command).parameters)


def test_withdrawing_is_refused_to_a_bystander_and_allowed_to_an_administrator(db, org, now):
    iid = start_contract(db, org, now).instance_id
    with pytest.raises(Forbidden):
        service.withdraw(db, iid, org.approvers[0], "Not mine to stop", now)
    result = service.withdraw(db, iid, org.admin, "Stopped by IT", now)
    assert result.status == "cancelled"
