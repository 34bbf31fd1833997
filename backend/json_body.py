"""The one place a JSON request body is first read: a body the JSON parser cannot turn into
a value is answered 400 before any view runs.

- Nesting too deep for the parser (100,000 `[`): `json.loads` raises RecursionError, which
  no view expects (a 500 otherwise). Answered 400 `invalid_json`.

A body that parses but holds text no database can store (a lone surrogate `"\\ud800"`, a
NUL) is not malformed JSON: that is field validation, answered 422 naming the field by the
API's `Text` field (api/common.py, the rule is validation.text_problem). A body that parses
is cached by Flask (`request.get_json`), so the views do not parse it again."""
from __future__ import annotations

from flask import Flask, request

from .errors import ApiError

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def check_json_body() -> None:
    """before_request: refuse JSON bodies that would crash a view."""
    if request.method not in WRITE_METHODS or not request.is_json:
        return
    if not request.get_data(cache=True):
        return
    try:
        request.get_json(silent=True)
    except RecursionError:
        raise ApiError(400, "The JSON body is nested too deeply.", "invalid_json") from None


def init_app(app: Flask) -> None:
    app.before_request(check_json_body)
