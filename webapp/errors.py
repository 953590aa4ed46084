"""One JSON error shape for the API, and content negotiation for app-wide errors.

Every API error is ``{"error": <short code>, "message": <human text>}`` with the
HTTP status. HTML requests get our own "Page not found" page; other HTML errors Flask's default.

An unreachable database is not a bug of ours: it is answered with 503 and
``Retry-After`` (:data:`DATABASE_RETRY_AFTER`), logged in one line, never with a 500.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response as WerkzeugResponse

from . import db

#: Seconds a client is asked to wait while the database is unreachable: about what a
#: database restart or fail-over takes.
DATABASE_RETRY_AFTER = 5


def error_code(status: int) -> str:
    """``404`` -> ``"not_found"``: the status's reason phrase as a short code."""
    return HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("-", "_")


def error_response(
    status: int, message: str | None = None, *, code: str | None = None
) -> Response:
    """A JSON error response with the one shape the API uses."""
    response = jsonify(
        error=code or error_code(status), message=message or HTTP_STATUS_CODES.get(status, "Error")
    )
    response.status_code = status
    return response


def wants_json_response() -> bool:
    """API paths always get JSON; other paths when the client prefers JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def not_found_page() -> tuple[str, int]:
    """Our own "Page not found", in the language of the URL when it names one."""
    from .i18n import DEFAULT_LANG, LANGUAGES

    first = request.path.strip("/").split("/", 1)[0]
    g.lang_code = first if first in LANGUAGES else DEFAULT_LANG
    with force_locale(LANGUAGES[g.lang_code]):
        return render_template("404.html", page_id="404"), 404


def handle_http_exception(e: HTTPException) -> ResponseReturnValue:
    if not wants_json_response():
        return not_found_page() if e.code == 404 else e  # otherwise Flask's default page
    response = error_response(e.code or 500, e.description)
    allow = getattr(e, "valid_methods", None)  # 405: keep the Allow header werkzeug computed
    if allow:
        response.headers["Allow"] = ", ".join(allow)
    return response


def handle_database_unavailable(e: Exception) -> ResponseReturnValue:
    """503 with ``Retry-After`` for a database that cannot be reached (``UNAVAILABLE_ERRORS``)."""
    current_app.logger.warning(
        "%s %s: database unavailable (%s)", request.method, request.path, db.describe(e)
    )
    message = "the database is unavailable for a moment: try again shortly"
    response: WerkzeugResponse
    if wants_json_response():
        response = error_response(503, message)
    else:
        response = ServiceUnavailable(message).get_response()
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    for error in db.UNAVAILABLE_ERRORS:
        app.register_error_handler(error, handle_database_unavailable)
