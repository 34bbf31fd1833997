"""Errors: JSON {"error", "message"} for the API, a page for everything else."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES


class ApiError(Exception):
    """Raise from any view to answer with a JSON error (fields: {name: [messages]})."""

    def __init__(self, status: int, message: str, error: str | None = None,
                 fields: dict | None = None, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error or _slug(status)
        self.fields = fields
        self.headers = headers or {}


def _slug(status: int) -> str:
    return HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("'", "")


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path in ("/healthz", "/metrics"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > \
        request.accept_mimetypes["text/html"]


def error_response(status: int, message: str | None = None, error: str | None = None,
                   fields: dict | None = None):
    body = {"error": error or _slug(status),
            "message": message or HTTP_STATUS_CODES.get(status, "Error")}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        response = error_response(exc.status, exc.message, exc.error, exc.fields)
        response.headers.update(exc.headers)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if wants_json():
            fields = None
            data = getattr(exc, "data", None)  # flask-smorest / webargs validation errors
            if isinstance(data, dict) and "messages" in data:
                fields = _flatten_messages(data["messages"])
            message = exc.description if fields is None else "Some fields are not valid."
            response = error_response(exc.code or 500, message, fields=fields)
            for header, value in (exc.get_response().headers.items()):
                if header.lower() in ("allow", "retry-after", "www-authenticate",
                                      "content-range"):
                    response.headers[header] = value
            return response
        return render_template("error.html", code=exc.code, name=exc.name,
                               description=exc.description), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return error_response(500, "The server hit an unexpected error.")
        return render_template("error.html", code=500, name="Server error",
                               description="The server hit an unexpected error."), 500


def _flatten_messages(messages: dict) -> dict:
    """webargs nests messages by location ({"json": {"name": [...]}}); keep the field level."""
    if len(messages) == 1:
        (location, inner), = messages.items()
        if location in ("json", "query", "form", "files", "headers", "path") and \
                isinstance(inner, dict):
            return inner
    return messages
