"""backend/protocol.py: the values the page and the server share (pinned by
tests/protocol.json, which the JavaScript side checks too), whole-key matching, and the
one rule that links "zone-<id>" keys to zones."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backend import protocol

ROOT = Path(__file__).resolve().parents[2]
SHARED = json.loads((ROOT / "tests" / "protocol.json").read_text())
JS_PROTOCOL = ROOT / "frontend" / "js" / "api" / "protocol.js"


def test_constants_agree_with_the_shared_file():
    assert protocol.KEY_MAX_LENGTH == SHARED["key_max_length"]
    assert protocol.KEY_PATTERN.pattern == \
        f"[{SHARED['key_characters']}]{{1,{SHARED['key_max_length']}}}"
    assert protocol.SAVED_ZONE_KEY_PREFIX == SHARED["saved_zone_key_prefix"]
    assert protocol.FRAME_KEY == SHARED["frame_key"]
    assert list(protocol.EVENT_KINDS) == SHARED["event_kinds"]
    assert (protocol.TRACK_ID_MIN, protocol.TRACK_ID_MAX) == \
        (SHARED["track_id_min"], SHARED["track_id_max"])
    assert protocol.MAX_DWELL_SECONDS == SHARED["max_dwell_seconds"]
    assert protocol.MAX_BATCH_ROWS == SHARED["max_batch_rows"]
    assert protocol.MAX_HOLD_SECONDS == SHARED["max_hold_seconds"]
    assert protocol.MAX_ALERT_THRESHOLD == SHARED["max_alert_threshold"]
    assert protocol.BAND_WIDTH_MAX_FRAME_SIDES == SHARED["band_width_max_frame_sides"]


@pytest.mark.parametrize("key", SHARED["valid_keys"])
def test_valid_keys(key):
    assert protocol.is_key(key)


@pytest.mark.parametrize("key", [*SHARED["invalid_keys"], None, 7])
def test_invalid_keys_are_refused_as_a_whole(key):
    assert not protocol.is_key(key)


@pytest.mark.parametrize(("key", "zone_id"), SHARED["saved_zone_keys"])
def test_zone_id_from_key(key, zone_id):
    assert protocol.zone_id_from_key(key) == zone_id


def test_saved_zone_key_round_trip():
    for zone_id in (1, 42, 10**17):
        key = protocol.saved_zone_key(zone_id)
        assert protocol.is_key(key) and protocol.zone_id_from_key(key) == zone_id


@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc), "2026-03-01T10:00:00.000Z"),
    (datetime(2026, 3, 1, 11, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1))),
     "2026-03-01T10:00:00.123Z"),
    (None, None),
])
def test_iso_utc(moment, text):
    assert protocol.iso_utc(moment) == text


def test_the_csv_exports_vectorised_times_are_the_protocols():
    """services/csv_export.iso_texts builds a million time texts with numpy; they must be
    exactly what iso_utc and iso_local write, across both DST changes."""
    import numpy as np

    from backend.services.csv_export import iso_texts

    zone = ZoneInfo("Europe/Berlin")
    moments = [datetime(2026, 3, 29, 0, 59, 59, 999000, tzinfo=timezone.utc),
               datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc),
               datetime(2026, 10, 25, 0, 30, 0, 123000, tzinfo=timezone.utc),
               datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc),
               datetime(1970, 1, 2, tzinfo=timezone.utc)]
    naive = np.array([m.replace(tzinfo=None) for m in moments], dtype="datetime64[ms]")
    utc_text, local_text = iso_texts(naive, zone)
    assert list(utc_text) == [protocol.iso_utc(m) for m in moments]
    assert list(local_text) == [protocol.iso_local(m, zone) for m in moments]


def js_protocol_answers(module: Path) -> dict:
    """The page's protocol module asked, through Node, the questions tests/protocol.json
    answers: its constants, which keys it accepts, which zone ids it reads from keys."""
    script = f"""
        import * as p from {json.dumps(module.as_uri())};
        const shared = JSON.parse(process.argv[1]);
        console.log(JSON.stringify({{
          saved_zone_key_prefix: p.SAVED_ZONE_KEY_PREFIX, frame_key: p.FRAME_KEY,
          event_kinds: [...p.EVENT_KINDS], track_id_min: p.TRACK_ID_MIN,
          track_id_max: p.TRACK_ID_MAX, max_dwell_seconds: p.MAX_DWELL_SECONDS,
          valid_keys: shared.valid_keys.filter((key) => p.isKey(key)),
          invalid_keys: shared.invalid_keys.filter((key) => !p.isKey(key)),
          saved_zone_keys: shared.saved_zone_keys.map(([key]) => [key, p.zoneIdFromKey(key)]),
        }}));"""
    done = subprocess.run(["node", "--input-type=module", "-e", script, json.dumps(SHARED)],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.mark.skipif(not JS_PROTOCOL.exists() or shutil.which("node") is None,
                    reason="frontend/js/api/protocol.js (the page's twin) or node is missing")
def test_the_pages_protocol_module_agrees():
    answers = js_protocol_answers(JS_PROTOCOL)
    assert answers == {key: SHARED[key] for key in answers}
