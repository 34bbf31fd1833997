"""The one place a JSON request body is first read: bodies that the JSON parser cannot turn
into something storable are answered with a 400 JSON error before any view runs.

- Nesting too deep for the parser (100,000 `[`): `json.loads` raises RecursionError, which
  no view expects (a 500 otherwise). Answered 400 `invalid_json`.
- Larger than MAX_JSON_MB: 413 `body_too_large`, before the body is read (the app's
  MAX_CONTENT_LENGTH is the video upload limit, gigabytes).
- Lone surrogates (`"\\ud800"`): valid JSON, but not text that UTF-8 (and so either database)
  can store. Answered 400 `invalid_text`, naming each field that holds one.

A body that parses is cached by Flask (`request.get_json`), so the views do not parse it
again; the surrogate walk runs only when the raw body contains a surrogate escape."""
from __future__ import annotations

import re

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import ApiError
from .validation import has_lone_surrogate

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A \uD800-\uDFFF escape somewhere in the raw body (paired ones too: checked after parsing).
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
MAX_REPORTED = 20


def unstorable_strings(value, path: str = "") -> dict[str, list[str]]:
    """{"samples.3.zone_key": [message]} for every string (or object key) holding a lone
    surrogate, walking the parsed JSON without recursion."""
    found: dict[str, list[str]] = {}
    stack = [(path, value)]
    while stack and len(found) < MAX_REPORTED:
        where, item = stack.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                found[where or "_body"] = ["Not valid text (lone surrogate characters)."]
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = f"{where}.{key}" if where else str(key)
                if has_lone_surrogate(key):
                    found[where or "_body"] = ["A field name is not valid text."]
                    continue
                stack.append((name, inner))
        elif isinstance(item, list):
            stack.extend((f"{where}.{index}" if where else str(index), inner)
                         for index, inner in enumerate(item))
    return found


def check_json_body() -> None:
    """before_request: refuse JSON bodies that would crash a view or the database."""
    if request.method not in WRITE_METHODS or not request.is_json:
        return
    limit = int(current_app.config["MAX_JSON_MB"])
    request.max_content_length = limit_bytes = limit * 1024 * 1024
    if request.content_length is not None and request.content_length > limit_bytes:
        raise ApiError(413, f"The JSON body is larger than {limit} MB.", "body_too_large")
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:   # no Content-Length: cut off at the limit while read
        raise ApiError(413, f"The JSON body is larger than {limit} MB.",
                       "body_too_large") from None
    if not raw:
        return
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise ApiError(400, "The JSON body is nested too deeply.", "invalid_json") from None
    if body is None or not SURROGATE_ESCAPE.search(raw):
        return
    problems = unstorable_strings(body)
    if problems:
        raise ApiError(400, "Some fields are not valid text; nothing was stored.",
                       "invalid_text", fields=problems)


def init_app(app: Flask) -> None:
    app.before_request(check_json_body)
