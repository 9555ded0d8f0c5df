"""An instance's documents in the page: previews, every version, and two versions compared.

- ``GET /documents/<id>/preview`` — a page showing one version: its preview, who uploaded it
  and when, its size and SHA-256, the download, and a link to compare it with the version
  before;
- ``GET /documents/<id>/image`` — an image version itself, to be shown in place;
- ``GET /documents/<id>/pages/<k>`` — page k of a PDF version, rendered to PNG on the server;
- ``GET /instances/<id>/fields/<field>/compare?a=&b=`` — the text of two versions of a file
  field side by side (default: the one before the latest, and the latest).

Who may: exactly whom the download (``pages.document``) lets through —
:func:`readable_document` is the check both use: the document must exist (404), and the
reader must be allowed to read its instance (:func:`approvals.store.queries.require_reader`,
403).

What is shown in place is decided by the bytes (:func:`approvals.core.filetypes.preview_type`),
never by the name or the type the uploader claimed: PNG, JPEG, GIF and WebP images are served
as their sniffed type with ``Content-Security-Policy: sandbox; default-src 'none'; img-src
'self'`` and ``nosniff``; a PDF is rendered to page images by a limited child process
(:mod:`approvals.records.previews`, kept under ``<SIGNOFF_VAR_DIR>/previews``); anything else
(SVG, a web page, a Word file) is downloaded only.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, render_template, request, send_file
from jinja2 import pass_context
from sqlalchemy import func
from sqlmodel import select
from werkzeug.exceptions import BadRequest

from approvals import texts
from approvals.config import var_dir
from approvals.core import doctext, filetypes, textdiff
from approvals.core.errors import NotFound
from approvals.records import previews
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.models import Blob, Document, Instance, Person
from web.auth import current_locale, current_person, login_required
from web.context import RowId, db

bp = Blueprint("documents", __name__)
log = logging.getLogger(__name__)

#: how a preview is served: nothing in it runs, it loads nothing but itself
PREVIEW_POLICY = "sandbox; default-src 'none'; img-src 'self'"
PDF = "application/pdf"


@bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("row", RowId)


@bp.app_template_filter("plural_t")
@pass_context
def _plural_t(context, key: str, n: int) -> str:
    """``key``'s text for the count ``n`` in its plural form, in the page's language."""
    return texts.count_text(key, n, context.get("locale", texts.DEFAULT_LOCALE))


def cache_root() -> Path:
    """Where previews are kept: ``<SIGNOFF_VAR_DIR>/previews`` (a cache; safe to delete)."""
    return var_dir() / "previews"


def readable_document(session, doc_id: int, person: Person) -> Document:
    """The document ``doc_id`` if ``person`` may read it: 404 when there is none, 403 when they
    may not read its instance. The download and every preview ask this, and only this."""
    doc = session.get(Document, doc_id)
    if doc is None:
        abort(404)
    queries.require_reader(session, queries.get_instance(session, doc.instance_id), person)
    return doc


def _head(session, sha256: str) -> bytes:
    """The first bytes of a stored file (enough to tell its type), without reading it all."""
    value = session.execute(select(func.substr(Blob.data, 1, 16))
                            .where(Blob.sha256 == sha256)).scalar_one_or_none()
    return bytes(value or b"")


def _content(session, sha256: str) -> bytes:
    return bytes(session.get(Blob, sha256).data)


def preview_type(session, sha256: str) -> str | None:
    return filetypes.preview_type(_head(session, sha256))


def preview(session, sha256: str) -> dict[str, Any]:
    """How a version is shown in place: ``kind`` ``image``, ``pdf`` (with its ``pages``, the
    ``shown`` pages as (number, width, height), and how many ``more``), ``failed`` (a PDF that
    cannot be rendered) or None (download only)."""
    kind = preview_type(session, sha256)
    if kind in filetypes.PREVIEW_IMAGES:
        return {"kind": "image", "type": kind}
    if kind != PDF:
        return {"kind": None}
    made = previews.pdf_preview(cache_root(), sha256, lambda: _content(session, sha256))
    if made.error:
        return {"kind": "failed"}
    return {"kind": "pdf", "pages": made.pages, "more": made.more,
            "shown": [(k, w, h) for k, (w, h) in enumerate(made.shown, start=1)]}


def document_item(doc: Document, uploader: Person | None) -> dict[str, Any]:
    """A version as the instance view lists it (:func:`approvals.store.queries.instance_view`)."""
    return {"id": doc.id, "field": doc.field, "version": doc.version, "filename": doc.filename,
            "size": doc.size, "sha256": doc.sha256, "uploaded_at": queries.iso(doc.uploaded_at),
            "uploaded_by": ({"id": uploader.id, "name": uploader.name, "email": uploader.email}
                            if uploader else None)}


def field_documents(session, view: dict[str, Any]) -> list[dict[str, Any]]:
    """The instance view's documents by file field (in the process's order): each field's
    ``label``, its ``versions`` newest first, and the ``preview`` of the latest."""
    groups: dict[str, list[dict]] = {}
    for doc in view["documents"]:
        groups.setdefault(doc["field"], []).append(doc)
    labels = view.get("field_labels", {})
    order = [name for name in labels if name in groups] + \
        [name for name in groups if name not in labels]
    result = []
    for name in order:
        versions = sorted(groups[name], key=lambda d: d["version"], reverse=True)
        result.append({"field": name, "label": labels.get(name, name), "versions": versions,
                       "latest": versions[0], "preview": preview(session, versions[0]["sha256"])})
    return result


def _versions(session, instance_id: int, field: str) -> list[Document]:
    return list(session.exec(select(Document).where(Document.instance_id == instance_id,
                                                    Document.field == field)
                             .order_by(Document.version)).all())


def _items(session, docs: list[Document]) -> list[dict[str, Any]]:
    people = {p.id: p for p in session.exec(select(Person).where(
        Person.id.in_({d.uploaded_by_id for d in docs}))).all()} if docs else {}
    return [document_item(d, people.get(d.uploaded_by_id)) for d in docs]


def versions_of(session, instance: Instance, field: str) -> list[dict[str, Any]]:
    """Every version of ``field`` of the instance, oldest first (404 when it has none)."""
    docs = _versions(session, instance.id, field)
    if not docs:
        raise NotFound(f"instance {instance.id} has no document in a field {field!r}",
                       field=field)
    return _items(session, docs)


def _number(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    if not raw.strip().isdigit() or len(raw.strip()) > 9:
        raise BadRequest(f"{name} must be a version number")
    return int(raw)


def comparison(session, instance: Instance, field: str, a: str | None,
               b: str | None) -> dict[str, Any]:
    """Version ``a`` of ``field`` beside version ``b`` (default: the one before the latest,
    and the latest): both versions, the ``rows`` of :func:`approvals.core.textdiff.compare`,
    the ``summary``, which versions' text could not be extracted (``unreadable``) and whether
    a text was cut (``truncated``). The reader was checked by the caller."""
    docs = _versions(session, instance.id, field)
    if not docs:
        raise NotFound(f"instance {instance.id} has no document in a field {field!r}",
                       field=field)
    by_number = {d.version: d for d in docs}
    later = _number(b, "b", docs[-1].version)
    earlier = _number(a, "a", docs[-2].version if len(docs) > 1 else later)
    if earlier not in by_number or later not in by_number:
        raise NotFound(f"field {field!r} of instance {instance.id} has no version "
                       f"{earlier if earlier not in by_number else later}", field=field)
    items = {item["version"]: item for item in _items(session, docs)}
    lines, unreadable, truncated = {}, [], False
    for number in dict.fromkeys((earlier, later)):
        doc = by_number[number]
        try:
            text = previews.document_text(cache_root(), preview_type(session, doc.sha256),
                                          doc.content_type, doc.sha256,
                                          lambda doc=doc: _content(session, doc.sha256))
        except doctext.Unreadable as why:
            log.info("the text of document %s (%s) cannot be extracted: %s", doc.id,
                     doc.filename, why)
            unreadable.append(number)
            continue
        lines[number], truncated = text.lines, truncated or text.truncated
    rows = [] if unreadable else textdiff.compare(lines[earlier], lines[later])
    summary = textdiff.summary(rows)
    return {"field": field, "a": items[earlier], "b": items[later],
            "versions": [items[d.version] for d in docs], "unreadable": unreadable,
            "extracted": not unreadable, "truncated": truncated, "rows": rows,
            "summary": {"changed": summary.changed, "added": summary.added,
                        "removed": summary.removed}}


def _inline(data: bytes, content_type: str, etag: str):
    """An image shown in place: its sniffed type, sandboxed, never sniffed again."""
    response = send_file(io.BytesIO(data), mimetype=content_type, as_attachment=False,
                         etag=etag, max_age=0, conditional=True)
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Disposition"] = "inline"
    return response


# ---------------------------------------------------------------------------- routes


@bp.get("/documents/<row:doc_id>/preview")
@login_required
def preview_page(doc_id: int):
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        doc = readable_document(s, doc_id, person)
        instance = queries.get_instance(s, doc.instance_id)
        process = queries.process_of(s, instance)
        labels = {f.name: f.label.get(locale) for f in process.fields}
        versions = _items(s, _versions(s, instance.id, doc.field))
        shown = preview(s, doc.sha256)
    item = next(v for v in versions if v["id"] == doc.id)
    earlier = [v for v in versions if v["version"] < doc.version]
    return render_template("document.html", doc=item, shown=shown,
                           instance={"id": instance.id, "title": instance.title_in(locale)},
                           label=labels.get(doc.field, doc.field), versions=versions[::-1],
                           previous=earlier[-1] if earlier else None)


@bp.get("/documents/<row:doc_id>/image")
@login_required
def image(doc_id: int):
    with read_session(db()) as s:
        doc = readable_document(s, doc_id, current_person())
        data, sha256 = _content(s, doc.sha256), doc.sha256
    kind = filetypes.preview_type(data)
    if kind not in filetypes.PREVIEW_IMAGES:  # SVG, a web page, a PDF…: download only
        abort(404)
    return _inline(data, kind, sha256)


@bp.get("/documents/<row:doc_id>/pages/<int(min=1, max=100):page>")
@login_required
def page_image(doc_id: int, page: int):
    with read_session(db()) as s:
        doc = readable_document(s, doc_id, current_person())
        if preview_type(s, doc.sha256) != PDF:
            abort(404)
        previews.pdf_preview(cache_root(), doc.sha256, lambda: _content(s, doc.sha256))
        sha256 = doc.sha256
    path = previews.page_image(cache_root(), sha256, page)
    if path is None:
        abort(404)
    return _inline(path.read_bytes(), "image/png", f"{sha256}-{page}")


@bp.get("/instances/<row:instance_id>/fields/<field>/compare")
@login_required
def compare(instance_id: int, field: str):
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        instance = queries.get_instance(s, instance_id)
        queries.require_reader(s, instance, person)
        result = comparison(s, instance, field, request.args.get("a"), request.args.get("b"))
        process = queries.process_of(s, instance)
        label = next((f.label.get(locale) for f in process.fields if f.name == field), field)
    return render_template("compare.html", **result, label=label,
                           instance={"id": instance.id, "title": instance.title_in(locale)})
