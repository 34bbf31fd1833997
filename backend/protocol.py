"""What the page and the server agree on about counts, defined once for Python: the keys
rows are logged under, which of them name a saved zone, the bounds of a count row, and how
times are written. The marshmallow schemas, the fast batch parser and the services import
these; frontend/js has its own single definition, and tests/protocol.json pins the values
both must share. Patterns are matched whole (`fullmatch`), never with `$`."""
from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo

# A zone, line or band key, a run's client id and a batch id: 1-64 of these characters.
KEY_MAX_LENGTH = 64
KEY_PATTERN = re.compile(rf"[A-Za-z0-9_.:-]{{1,{KEY_MAX_LENGTH}}}")
KEY_RULE = f"Use 1-{KEY_MAX_LENGTH} letters, digits or _ . : -"

# A saved zone's counts are logged under "zone-<id>"; the server links such a key to the
# user's zone with that id. Other keys ("frame", "draft-3", "line-1") stay unlinked.
SAVED_ZONE_KEY_PREFIX = "zone-"
_SAVED_ZONE_KEY = re.compile(r"zone-([0-9]{1,18})")
FRAME_KEY = "frame"

# cancel_in / cancel_out: a line crossing back that cancels a person's earlier in / out
# (the line's net totals step back; DESIGN §4 "once per person").
EVENT_KINDS = ("in", "out", "cancel_in", "cancel_out", "enter", "leave", "alert_start",
               "alert_end")
ALERT_KINDS = ("alert_start", "alert_end")
TRACK_ID_MIN, TRACK_ID_MAX = -2**31, 2**31 - 1
MAX_DWELL_SECONDS = 10 * 365 * 86400
MAX_BATCH_ROWS = 10_000
# A zone's alert hold times (seconds above the threshold to start, at or below it to end).
MAX_HOLD_SECONDS = 3600
# A zone's alert limit (people); the alerts table keeps it in a 32-bit column.
MAX_ALERT_THRESHOLD = 1_000_000
# A band is at most this many times the frame's longer side wide.
BAND_WIDTH_MAX_FRAME_SIDES = 2


def is_key(value: object) -> bool:
    return isinstance(value, str) and KEY_PATTERN.fullmatch(value) is not None


def saved_zone_key(zone_id: int) -> str:
    return f"{SAVED_ZONE_KEY_PREFIX}{zone_id}"


def zone_id_from_key(key: str) -> int | None:
    """The zone id a "zone-<id>" key names, else None."""
    match = _SAVED_ZONE_KEY.fullmatch(key)
    return int(match.group(1)) if match else None


# An IP camera's zones and runs are saved under the camera key "ipcam:<id>" (a webcam's key,
# a slug of its name, never has a colon).
IP_CAMERA_KEY_PREFIX = "ipcam:"
_IP_CAMERA_KEY = re.compile(r"ipcam:([0-9]{1,18})")


def ip_camera_key(camera_id: int) -> str:
    return f"{IP_CAMERA_KEY_PREFIX}{camera_id}"


def ip_camera_id_from_key(key: str | None) -> int | None:
    """The IP camera id an "ipcam:<id>" camera key names, else None."""
    match = _IP_CAMERA_KEY.fullmatch(key or "")
    return int(match.group(1)) if match else None


# Bidirectional formatting characters (frontend/js/ui/words.js has the same rule).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_ISOLATE_OPENERS = "\u2066\u2067\u2068"
_POP_ISOLATE = "\u2069"


def isolated(name: object) -> str:
    """A user-given name to put inside a sentence the server writes (an error message the
    page shows, a webhook's chat text): as it is, unless it holds bidi formatting characters
    (a right-to-left override would turn the rest of the sentence around); then fenced in
    U+2068 ... U+2069, with any U+2069 of its own that closes nothing left out and any
    isolate it opens closed, so nothing in it reaches past the fence."""
    text = str(name)
    if not _BIDI_CONTROLS.search(text):
        return text
    open_count, inside = 0, []
    for char in text:
        if char in _ISOLATE_OPENERS:
            open_count += 1
        elif char == _POP_ISOLATE:
            if open_count == 0:
                continue
            open_count -= 1
        inside.append(char)
    return "\u2068" + "".join(inside) + _POP_ISOLATE * (open_count + 1)


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, millisecond precision (None stays None). Every time the
    server writes (JSON, CSV, webhooks, the live stream) has this form; the CSV export
    builds the same texts with numpy (services/csv_export.iso_texts, tested to agree)."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def iso_local(moment: datetime, zone: tzinfo) -> str:
    """ISO 8601 wall time in a time zone with its offset, millisecond precision."""
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


# A CSV cell starting with one of these is a formula to Excel, LibreOffice and Sheets
# (`=HYPERLINK(...)` as a zone name): every CSV the app writes gives such text cells a
# leading ' so they stay text (services/csv_export for pandas, repositories/stats for the
# SQL-built MariaDB export).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Demographics (opt-in): the vocabulary of the aggregate rows a batch may carry
# (frontend/js/demographics/bands.js has the same lists; tests/protocol.json pins both).
GENDERS = ("female", "male", "unknown")
AGE_BANDS = ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown")
DEMOGRAPHIC_KINDS = ("in", "out", "enter")
UNKNOWN_ESTIMATE = "unknown"
