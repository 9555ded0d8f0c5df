"""Domain errors → HTTP status codes, in one place.

Under ``/api`` the answer is JSON: ``{"error": code, "message": text}`` (plus ``"fields"``
for a refused form: each field's code and message). Pages get an HTML error page in the
person's language.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from approvals.core.errors import FormInvalid, SignoffError, StoreUnavailable

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(SignoffError)
    def _domain(error: SignoffError):
        if isinstance(error, StoreUnavailable):
            log.error("database unavailable: %s", error.__cause__)
        if _wants_json():
            body = {"error": error.code, "message": str(error)}
            if isinstance(error, FormInvalid):
                from approvals.texts import field_error

                body["fields"] = {name: {"code": code, "message": field_error(code, params,
                                                                             "en")}
                                  for name, (code, params) in error.errors.items()}
            return jsonify(body), error.status
        from web.pages import render_error

        return render_error(error.status, str(error), error.code, error.params)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if _wants_json():
            headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
            return jsonify({"error": error.name.lower().replace(" ", "_"),
                            "message": error.description}), error.code, headers
        from web.pages import render_error

        return render_error(error.code or 500, error.description or error.name, None)
