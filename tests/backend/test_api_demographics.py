"""Opt-in age/gender aggregates: batches may carry counts per line/zone, minute, kind, gender
and age band; the server adds them up (idempotently, never below zero), validates them like
every other field, and serves them as JSON, CSV and a chart. No per-person data is stored."""
from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
import sqlalchemy as sa

from backend.db import get_engine
from backend.protocol import AGE_BANDS, DEMOGRAPHIC_KINDS, GENDERS
from backend.schema import count_events, demographic_counts, metadata
from tests.backend.conftest import sample

SHARED = json.loads(open("tests/protocol.json").read())


def row(ts="2026-05-04T10:15:42Z", zone_key="line-1", kind="in", gender="female",
        age_band="25-34", count=1) -> dict:
    return {"ts": ts, "zone_key": zone_key, "kind": kind, "gender": gender,
            "age_band": age_band, "count": count}


def post(user, run_id, rows, batch_id=None, samples=()):
    return user.post(f"/api/runs/{run_id}/batches", json={
        "batch_id": batch_id or str(uuid.uuid4()), "samples": list(samples), "events": [],
        "demographics": rows})


def stored(app, run_id) -> list[dict]:
    with app.app_context(), get_engine().connect() as conn:
        rows = conn.execute(sa.select(demographic_counts)
                            .where(demographic_counts.c.run_id == run_id)
                            .order_by(demographic_counts.c.id)).mappings().all()
    return [dict(r) for r in rows]


def test_vocabulary_matches_the_shared_protocol():
    assert list(GENDERS) == SHARED["genders"]
    assert list(AGE_BANDS) == SHARED["age_bands"]
    assert list(DEMOGRAPHIC_KINDS) == SHARED["demographic_kinds"]


def test_rows_add_up_per_minute_cell_and_duplicates_change_nothing(app, alice):
    run = alice.create_run()
    batch_id = str(uuid.uuid4())
    first = post(alice, run["id"], [row(), row(ts="2026-05-04T10:15:05Z"),
                                    row(gender="male", age_band="45-54")], batch_id)
    assert first.status_code == 201, first.get_json()
    assert post(alice, run["id"], [row()], batch_id).get_json()["duplicate"] is True
    assert post(alice, run["id"], [row(ts="2026-05-04T10:15:59.999Z")]).status_code == 201
    cells = {(r["minute"].isoformat(), r["gender"], r["age_band"]): r["count"]
             for r in stored(app, run["id"])}
    assert cells == {("2026-05-04T10:15:00+00:00", "female", "25-34"): 3,
                     ("2026-05-04T10:15:00+00:00", "male", "45-54"): 1}


def test_a_cancellation_takes_its_count_back_but_never_below_zero(app, alice):
    run = alice.create_run()
    assert post(alice, run["id"], [row(count=1)]).status_code == 201
    assert post(alice, run["id"], [row(count=-1)]).status_code == 201
    assert [r["count"] for r in stored(app, run["id"])] == [0]
    too_far = post(alice, run["id"], [row(count=-1)])
    assert too_far.status_code == 422
    assert too_far.get_json()["fields"] == {"demographics": {"0": {"count": [
        "This would take the count of its minute, gender and age band below zero."]}}}
    never = post(alice, run["id"], [row(gender="male", count=-1)])
    assert never.status_code == 422
    # ... nor past what a 32-bit column holds (10,000 rows of a million into one cell).
    huge = post(alice, run["id"], [row(count=10**6)] * 2001)
    assert huge.status_code == 422
    assert huge.get_json()["fields"]["demographics"]["0"]["count"][0].startswith("This would take")
    assert [r["count"] for r in stored(app, run["id"])] == [0]


BAD_FIELDS = [
    ("gender", "woman"), ("gender", None), ("gender", "FEMALE"), ("gender", 1),
    ("age_band", "25-35"), ("age_band", "65"), ("age_band", ""),
    ("kind", "leave"), ("kind", "alert_start"),
    ("zone_key", "zone 7"), ("zone_key", "x" * 65), ("zone_key", "=HYPERLINK(1)"),
    ("count", 0), ("count", 1.5), ("count", "1"), ("count", 10**6 + 1), ("count", True),
    ("ts", "yesterday"), ("ts", "1960-01-01T00:00:00Z"),
]


def test_bad_fields_are_422_and_store_nothing(app, alice):
    run = alice.create_run()
    for field, value in BAD_FIELDS:
        response = post(alice, run["id"], [row(), row(**{field: value})],
                        samples=[sample("2026-05-04T10:15:00Z", "frame")])
        assert response.status_code == 422, (field, value)
        assert list(response.get_json()["fields"]["demographics"]) == ["1"], (field, value)
        assert field in response.get_json()["fields"]["demographics"]["1"], (field, value)
    too_many = post(alice, run["id"], [row()] * 10_001)
    assert too_many.status_code == 422 and "demographics" in too_many.get_json()["fields"]
    not_a_list = post(alice, run["id"], {"gender": "female"})
    assert not_a_list.status_code == 422
    assert stored(app, run["id"]) == []
    assert alice.get(f"/api/runs/{run['id']}/stats").get_json()["totals"]["samples"] == 0


def test_unknown_row_fields_are_refused_so_nothing_per_person_gets_in(app, alice):
    run = alice.create_run()
    for extra in ({"track_id": 3}, {"face": "data:image/png;base64,AAAA"},
                  {"embedding": [0.1, 0.2]}, {"age": 31.5}):
        response = post(alice, run["id"], [{**row(), **extra}])
        assert response.status_code == 422, extra
    assert stored(app, run["id"]) == []


def test_video_totals_add_the_runs_of_a_video_and_only_the_face_models_are_served(
        app, alice, bob, client):
    from backend.db import transaction
    from backend.repositories import videos as video_repo

    with app.app_context(), transaction() as conn:
        video_id = video_repo.create(
            conn, alice.id, original_name="door.mp4", stored_name=uuid.uuid4().hex + ".mp4",
            content_type="video/mp4", size_bytes=10, metadata={})
    for _ in range(2):
        run = alice.create_run(source_kind="video", video_id=video_id)
        assert post(alice, run["id"], [row(zone_key="line-1")]).status_code == 201
    body = alice.get(f"/api/videos/{video_id}/demographics").get_json()
    assert body["counted"] == 2 and body["totals"][0]["by_gender"]["female"] == 2
    assert bob.get(f"/api/videos/{video_id}/demographics").status_code == 404
    for url in ("/vendor/@vladmandic/face-api/dist/face-api.esm.js",
                "/vendor/@vladmandic/face-api/model/age_gender_model.bin",
                "/vendor/@vladmandic/face-api/model/tiny_face_detector_model-weights_manifest.json"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    for url in ("/vendor/@vladmandic/face-api/demo/sample1.jpg",
                "/vendor/@vladmandic/face-api/model/face_recognition_model.bin",
                "/vendor/@vladmandic/face-api/dist/face-api.node.js",
                "/vendor/@vladmandic/face-api/package.json",
                "/vendor/@vladmandic/face-api/dist/../package.json"):
        assert client.get(url).status_code == 404, url


def test_another_users_run_is_404(app, alice, bob):
    run = alice.create_run()
    assert post(bob, run["id"], [row()]).status_code == 404
    assert bob.get(f"/api/runs/{run['id']}/demographics").status_code == 404
    assert bob.get(f"/api/runs/{run['id']}/demographics.csv").status_code == 404
    assert bob.get(f"/api/runs/{run['id']}/charts/demographics.png").status_code == 404


def test_no_demographic_column_in_the_per_event_table():
    """Events keep a track id; an estimate beside it would be a per-person record."""
    assert {c.name for c in count_events.columns}.isdisjoint(
        {"gender", "age", "age_band", "face", "embedding"})
    assert set(metadata.tables["demographic_counts"].columns.keys()) == {
        "id", "run_id", "zone_key", "minute", "kind", "gender", "age_band", "count"}


def test_stats_csv_and_chart(app, alice):
    zone = alice.create_zone(name="=Door", kind="line",
                             geometry={"points": [[0, 100], [640, 100]], "flipped": False})
    run = alice.create_run()
    key = f"zone-{zone['id']}"
    samples = [sample("2026-05-04T10:15:00Z", key, entries=4, exits=1)]
    rows = [row(zone_key=key), row(zone_key=key, gender="male", age_band="18-24"),
            row(zone_key=key, gender="unknown", age_band="unknown", count=2),
            row(zone_key=key, kind="out", gender="male", age_band="65+",
                ts="2026-05-04T11:01:00Z")]
    assert post(alice, run["id"], rows, samples=samples).status_code == 201
    body = alice.get(f"/api/runs/{run['id']}/demographics?bucket=1h").get_json()
    assert (body["counted"], body["no_estimate"], body["bucket"]) == (5, 2, "1h")
    totals = {(t["zone_key"], t["kind"]): t for t in body["totals"]}
    ins = totals[(key, "in")]
    assert ins["name"] == "=Door" and ins["total"] == 4 and ins["no_estimate"] == 2
    assert ins["by_gender"] == {"female": 1, "male": 1, "unknown": 2}
    assert ins["by_age_band"]["25-34"] == 1 and ins["by_age_band"]["18-24"] == 1
    assert totals[(key, "out")]["by_age_band"]["65+"] == 1
    assert [(b["start"], b["kind"], b["gender"], b["age_band"], b["count"])
            for b in body["buckets"]] == [
        ("2026-05-04T10:00:00.000Z", "in", "female", "25-34", 1),
        ("2026-05-04T10:00:00.000Z", "in", "male", "18-24", 1),
        ("2026-05-04T10:00:00.000Z", "in", "unknown", "unknown", 2),
        ("2026-05-04T11:00:00.000Z", "out", "male", "65+", 1)]
    response = alice.get(f"/api/runs/{run['id']}/demographics.csv?bucket=1h&tz=Europe/Berlin")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(table[0]) == ["time_utc", "time_local", "run_id", "zone_key", "zone_name",
                              "kind", "gender", "age_band", "count"]
    assert [(r["time_local"], r["zone_name"], r["gender"], r["age_band"], r["count"])
            for r in table][:1] == [("2026-05-04T12:00:00.000+02:00", "'=Door", "female",
                                     "25-34", "1")]
    assert len(table) == 4
    chart = alice.get(f"/api/runs/{run['id']}/charts/demographics.png")
    assert chart.status_code == 200 and chart.data[:8] == b"\x89PNG\r\n\x1a\n"
    empty = alice.get(f"/api/runs/{alice.create_run()['id']}/demographics").get_json()
    assert (empty["counted"], empty["totals"], empty["buckets"]) == (0, [], [])
    empty_csv = alice.get(f"/api/runs/{alice.create_run()['id']}/demographics.csv")
    assert empty_csv.get_data(as_text=True).strip().split(",")[0] == "time_utc"
