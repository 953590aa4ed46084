"""One JSON error shape for the API, and content negotiation for app-wide errors.

Every API error is ``{"error": <short code>, "message": <human text>}`` with the
HTTP status. HTML requests keep Flask's default error pages (for now).
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES


def error_code(status: int) -> str:
    """``404`` -> ``"not_found"``: the status's reason phrase as a short code."""
    return HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("-", "_")


def error_response(status: int, message: str | None = None, *, code: str | None = None):
    """A JSON error response with the one shape the API uses."""
    response = jsonify(error=code or error_code(status),
                       message=message or HTTP_STATUS_CODES.get(status, "Error"))
    response.status_code = status
    return response


def bad_request(message: str):
    return error_response(400, message)


def wants_json_response() -> bool:
    """API paths always get JSON; other paths when the client prefers JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def handle_http_exception(e: HTTPException):
    if not wants_json_response():
        return e  # Flask's default HTML page
    response = error_response(e.code or 500, e.description)
    allow = getattr(e, "valid_methods", None)  # 405: keep the Allow header werkzeug computed
    if allow:
        response.headers["Allow"] = ", ".join(allow)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
