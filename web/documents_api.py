"""The versions of an instance's file field, and two of them compared, through the JSON API
(the pages: :mod:`web.documents`).

- ``GET /api/instances/<id>/fields/<field>/versions`` — every version, oldest first: who
  uploaded it and when, its size, SHA-256, how it can be previewed, and its download URL;
- ``GET /api/instances/<id>/fields/<field>/compare?a=&b=`` — the text of version ``a`` beside
  version ``b`` (default: the one before the latest, and the latest), line by line, as the
  comparison page shows it.

Who may: whoever may read the instance (its download's check); 404 for a field without a
document.
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, g, jsonify, request, url_for
from pydantic import Field

from approvals.store import queries
from approvals.store.db import read_session
from web import api, openapi
from web.context import RowId, db
from web.documents import comparison, preview_type, versions_of
from web.openapi import Json, Query, operation

api_bp = Blueprint("api_documents", __name__)
api_bp.before_request(api._authenticate)  # the API's bearer token, as for every /api route


@api_bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("id", RowId)


class DocumentVersion(openapi.DocumentView):
    """One version of a file field."""

    preview: Literal["pdf", "image"] | None = Field(
        description="how the page shows it in place, judged by its bytes: pdf (pages rendered "
                    "to images), image, or none (download only)")
    download: str = Field(description="the URL of the file itself")


class DocumentVersions(openapi._Answer):
    field: str
    versions: list[DocumentVersion] = Field(description="oldest first")


class TextSpan(openapi._Answer):
    text: str
    marked: bool = Field(description="removed (on the left) or added (on the right)")


class ComparedLine(openapi._Answer):
    kind: Literal["same", "changed", "added", "removed", "skipped"]
    old: int | None = Field(description="the line's number in version a (from 1)")
    new: int | None = Field(description="the line's number in version b (from 1)")
    left: list[TextSpan]
    right: list[TextSpan]
    count: int = Field(description="how many unchanged lines a skipped row stands for")


class CompareSummary(openapi._Answer):
    changed: int
    added: int
    removed: int


class Comparison(openapi._Answer):
    """Two versions' text side by side (approvals.core.textdiff)."""

    field: str
    a: openapi.DocumentView
    b: openapi.DocumentView
    extracted: bool = Field(description="false when the text of a or b cannot be extracted "
                                        "(then rows is empty)")
    unreadable: list[int] = Field(description="the versions whose text cannot be extracted")
    truncated: bool = Field(description="a text was cut at 200,000 characters")
    summary: CompareSummary
    rows: list[ComparedLine]


_ERRORS = {403: "the caller may not read the instance",
           404: "no such instance, no document in that field, or no such version"}


@api_bp.get("/instances/<id:instance_id>/fields/<field>/versions")
@operation("Every version of a file field of an instance, oldest first",
           {200: Json(DocumentVersions, "the versions")}, errors=_ERRORS)
def versions(instance_id: int, field: str):
    with read_session(db()) as session:
        instance = queries.get_instance(session, instance_id)
        queries.require_reader(session, instance, g.person)
        items = versions_of(session, instance, field)
        kinds = {item["sha256"]: preview_type(session, item["sha256"]) for item in items}
    for item in items:
        kind = kinds[item["sha256"]]
        item["preview"] = "pdf" if kind == "application/pdf" else "image" if kind else None
        item["download"] = url_for("api.document", instance_id=instance_id,
                                   document_id=item["id"])
    return jsonify({"field": field, "versions": items})


@api_bp.get("/instances/<id:instance_id>/fields/<field>/compare")
@operation("Two versions of a file field's text side by side (PDF, Word and plain text)",
           {200: Json(Comparison, "the comparison, line by line")},
           query=(Query("a", {"type": "integer", "minimum": 1},
                        "the earlier version (default: the one before the latest)"),
                  Query("b", {"type": "integer", "minimum": 1},
                        "the later version (default: the latest)")),
           errors={400: "a or b is not a version number", **_ERRORS})
def compare(instance_id: int, field: str):
    with read_session(db()) as session:
        instance = queries.get_instance(session, instance_id)
        queries.require_reader(session, instance, g.person)
        result = comparison(session, instance, field, request.args.get("a"),
                            request.args.get("b"))
    return jsonify({"field": field, "a": result["a"], "b": result["b"],
                    "extracted": result["extracted"], "unreadable": result["unreadable"],
                    "truncated": result["truncated"], "summary": result["summary"],
                    "rows": [row.as_dict() for row in result["rows"]]})
