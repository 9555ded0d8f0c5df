"""The JSON API against its own OpenAPI description (``GET /api/openapi.json``,
:mod:`web.openapi`).

The document is valid OpenAPI 3.1, served without a token, and describes every ``/api`` rule
of the app's URL map. Then schemathesis generates requests for every operation from it and
sends them to the app in-process (WSGI), as an ordinary person with a valid token, on a site
with a running instance (so that some generated ids exist: a generated id is swapped for a real
one half the time). Every answer must be documented, inside its schema (JSON answers forbid keys
the description does not name), with its documented headers, and never a 5xx.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import hypothesis
import pytest
import schemathesis
from flask import Flask
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import select

from approvals.records import exports
from approvals.store.db import read_session
from approvals.store.models import Document, Task
from tests.integration.web.api.conftest import NOW, Api
from web.openapi import API_PREFIX, Undocumented, build

SPEC_PATH = "/api/openapi.json"
#: Who the generated requests speak as: an approver of the running instance, neither an
#: administrator nor an auditor.
CALLER = "anna"
#: Examples per operation: ``make test-full`` (the ``slow`` case, tests/slow.py) generates
#: enough to reach the refusals and a few successes; ``make test`` a handful, so that every
#: operation is still called with allowed and refused data on every run.
EXAMPLES = 25
QUICK_EXAMPLES = 5


def settings(examples: int) -> hypothesis.settings:
    return hypothesis.settings(max_examples=examples, deadline=None, database=None,
                               derandomize=True,
                               suppress_health_check=list(hypothesis.HealthCheck))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


def test_the_description_is_valid_openapi_and_needs_no_token(api: Api) -> None:
    response = api.get(None, SPEC_PATH)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    validate(document)  # raises on an invalid document
    assert document["openapi"].startswith("3.1")


def test_every_api_route_is_described(app: Flask, api: Api) -> None:
    document = api.get(None, SPEC_PATH).get_json()
    described = {(path, method.upper()) for path, item in document["paths"].items()
                 for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX):
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                routes.add((_openapi_path(rule.rule), method))
    assert routes, "no /api rules in the URL map"
    assert routes == described


def test_every_operation_but_the_description_needs_the_bearer_token(api: Api) -> None:
    document = api.get(None, SPEC_PATH).get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            public = path == SPEC_PATH
            assert operation["security"] == ([] if public else [{"bearer": []}]), (path, method)
            assert ("401" in operation["responses"]) is not public, (path, method)


def test_a_new_api_route_without_a_description_stops_the_document(app: Flask) -> None:
    app.add_url_rule("/api/undescribed", "api.undescribed", lambda: "")
    with pytest.raises(Undocumented, match="/api/undescribed"):
        build(app)


def test_a_trail_number_the_database_cannot_hold_is_a_404_and_a_word_a_400(api: Api) -> None:
    """Found by schemathesis: ``?trail=`` past SQLite's integers was a 500 (OverflowError)."""
    instance_id = api.start()["id"]
    path = f"/api/instances/{instance_id}/trail.pdf"
    for number in (2**31, 2**63, 10**30, 0):
        response = api.get("initiator", f"{path}?trail={number}")
        assert (response.status_code, response.get_json()["error"]) == (404, "not_found")
    for word in ("abc", "-1", "1.5", "١"):
        response = api.get("initiator", f"{path}?trail={word}")
        assert (response.status_code, response.get_json()["error"]) == (400, "bad_request")


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


# ---------------------------------------------------------------------------- schemathesis


@pytest.fixture
def site(app: Flask, api: Api, person_ids: dict[str, int]) -> dict[str, list[int]]:
    """A running contract approval (with a document, an open task for the caller and for
    others) and a pending export: the ids that exist, by path parameter name."""
    view = api.start("initiator")
    engine = app.extensions["signoff.db"]
    with read_session(engine) as session:
        tasks = list(session.exec(select(Task.id).where(Task.instance_id == view["id"])).all())
        documents = list(session.exec(select(Document.id)).all())
    export = exports.create(engine, person_ids["auditor"],
                            {"from": "2026-01-01", "to": "2026-03-31"}, NOW)
    return {"instance_id": [view["id"]], "task_id": tasks, "document_id": documents,
            "export_id": [export.id]}


@pytest.fixture
def api_schema(app: Flask, site: dict[str, list[int]]):
    schema = schemathesis.openapi.from_wsgi(SPEC_PATH, app)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters: dict[str, Any]):
        """Half the time, each generated id is replaced with one that exists."""
        if not path_parameters:
            return st.just(path_parameters)
        return st.fixed_dictionaries({
            name: st.one_of(st.just(value), st.sampled_from(site[name])) if site.get(name)
            else st.just(value)
            for name, value in path_parameters.items()})

    return schema


@pytest.mark.parametrize("examples", [QUICK_EXAMPLES, EXAMPLES], ids=["quick", "full"])
def test_the_api_keeps_to_its_description(app: Flask, api_schema, examples: int) -> None:
    """Every operation, with data its description allows and then with data it refuses (the
    wrong types, missing keys, malformed ids), as :data:`CALLER`; the exports also as an
    auditor, so that their answers are seen too. Each answer is checked by :data:`CHECKS`.

    One test drives every operation's strategy itself (``-s`` prints the tally): schemathesis's
    ``pytest.from_fixture(...).parametrize()`` reads a pytest-internal ``_nodeid`` that pytest
    9.2 no longer has."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # schemathesis leaves out the description's own path
    assert {op.label for op in operations} == {
        f"{method.upper()} {path}" for path, item in api_schema.raw_schema["paths"].items()
        for method in item if path != SPEC_PATH}
    statuses: dict[str, Counter[int]] = {}
    failures: list[str] = []
    for operation in operations:
        callers = [CALLER, "auditor"] if "exports" in (operation.tags or []) else [CALLER]
        for who in callers:
            headers = {"Authorization": f"Bearer {app.config['API_TOKENS'][who]}"}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                label = f"{operation.label} as {who} ({mode.value})"
                seen = statuses[label] = Counter()
                try:
                    _exercise(operation, mode, headers, seen, examples)
                except (Exception, FailureGroup) as error:  # all of them, reported below
                    failures.append(f"{label}: {error}")
    print(f"\nschemathesis: {len(operations)} operations, "
          f"{sum(sum(seen.values()) for seen in statuses.values())} examples, "
          f"{len(failures)} failures")
    for label, seen in statuses.items():
        print(f"  {label}: " + ", ".join(f"{n}x{code}" for code, n in sorted(seen.items())))
    assert not failures, "\n\n".join(failures)


def _exercise(operation, mode: GenerationMode, headers: dict[str, str],
              seen: Counter[int], examples: int) -> None:
    @settings(examples)
    @hypothesis.given(case=operation.as_strategy(mode))
    def exercise(case) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen[response.status_code] += 1

    exercise()
