"""Pieces every API module shares: field types, pagination, the error schema, ownership."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import marshmallow as ma
from flask import g

from ..errors import ApiError
from ..protocol import iso_utc
from ..validation import has_visible_character, text_problem

# Ids fit a signed 64-bit column on both databases; larger path ids are plain 404s.
MAX_ID = 2**63 - 1
ID_CONVERTER = f"int(max={MAX_ID})"
MAX_COUNT = 1_000_000
# Timestamps outside these years are rejected (MySQL DATETIME and common sense).
EARLIEST = datetime(1970, 1, 2, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)


class Text(ma.fields.String):
    """A string that can be stored (validation.text_problem: no lone surrogates, no NUL;
    a 422 naming the field otherwise), stripped of outer spaces."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem:
            raise ma.ValidationError(problem)
        return text.strip()


class Visible(ma.validate.Validator):
    """A name with at least one character that shows (not only zero-width spaces, bidi marks
    or other format characters): such a name showed as nothing in every list."""

    def __init__(self, error: str = "Give a name with at least one visible character.") -> None:
        self.error = error

    def __call__(self, value):
        if isinstance(value, str) and value and not has_visible_character(value):
            raise ma.ValidationError(self.error)
        return value


class FullMatch(ma.validate.Regexp):
    """A Regexp validator that matches the whole value (`re.fullmatch`: no trailing newline
    slips through as it does with `$`). OpenAPI shows the pattern anchored."""

    def __init__(self, regex: re.Pattern, error: str | None = None) -> None:
        super().__init__(re.compile(f"^(?:{regex.pattern})$"), error=error)
        self.whole = regex

    def __call__(self, value):
        if not isinstance(value, str) or self.whole.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


class UtcTime(ma.fields.AwareDateTime):
    """ISO 8601 time with an offset or Z (naive times are read as UTC), 1970..2100,
    written back as UTC with a Z."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=timezone.utc, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs).astimezone(timezone.utc)
        if not EARLIEST <= moment < LATEST:
            raise ma.ValidationError("Must be between 1970-01-02 and 2100-01-01.")
        return moment

    def _serialize(self, value, attr, obj, **kwargs):
        return iso_utc(value)


def Id(**kwargs) -> ma.fields.Integer:  # noqa: N802 - a field factory reads like a field class
    """An id in a JSON body (a JSON integer, not "3")."""
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(1, MAX_ID), **kwargs)


def QueryId(**kwargs) -> ma.fields.Integer:  # noqa: N802
    """An id in the query string (text digits)."""
    return ma.fields.Integer(validate=ma.validate.Range(1, MAX_ID), **kwargs)


def Count(**kwargs) -> ma.fields.Integer:  # noqa: N802
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(0, MAX_COUNT), **kwargs)


def Delta(**kwargs) -> ma.fields.Integer:  # noqa: N802
    """A change of a net count: negative when a confirmed line crossing was cancelled
    because the person walked back (DESIGN.md §4, once per person)."""
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(-MAX_COUNT, MAX_COUNT),
                             **kwargs)


class ErrorSchema(ma.Schema):
    error = ma.fields.String(metadata={"description": "Machine-readable error code"})
    message = ma.fields.String(metadata={"description": "What went wrong, for people"})
    fields = ma.fields.Dict(metadata={"description": "Bad fields: {name: [messages]}"})


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, 1_000_000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 100))


class TimeZoneArgs(ma.Schema):
    tz = Text(load_default=None, validate=ma.validate.Length(1, 64),
              metadata={"description": "IANA time zone; default: the user's"})


def page_envelope(items: list, page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def current_user_id() -> int:
    user = g.get("user")
    if user is None:
        raise ApiError(401, "Log in or send an API token.", "unauthorized")
    return user["id"]


def require_user() -> None:
    """Blueprint before_request hook: every API resource needs a user."""
    current_user_id()


def not_found(what: str) -> ApiError:
    return ApiError(404, f"No such {what}.", "not_found")


def invalid_fields(fields: dict, status: int = 422) -> ApiError:
    """The API's answer to bad input: {"error", "message", "fields": {name: [messages]}}."""
    return ApiError(status, "Some fields are not valid.", "unprocessable_entity", fields=fields)


def field_error(field: str, message: str, status: int = 422) -> ApiError:
    return invalid_fields({field: [message]}, status)


def resolve_timezone(name: str | None) -> ZoneInfo:
    """The ?tz= zone, else the user's zone, else UTC; an unknown name is a field error."""
    candidate = name or (g.get("user") or {}).get("timezone") or "UTC"
    try:
        return ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        if name:
            raise field_error("tz", f"Unknown time zone {name!r}.") from None
        return ZoneInfo("UTC")
