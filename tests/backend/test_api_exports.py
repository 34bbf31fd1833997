"""CSV exports (streamed): per zone per bucket and raw events/samples, with ISO 8601 UTC and
local-time columns."""
from __future__ import annotations

import csv
import io

from tests.backend.conftest import make_user, post_demo_counts, sample


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_bucket_csv_has_one_row_per_zone_per_bucket(app):
    user = make_user(app, "erin", "Europe/Berlin")
    zone = user.create_zone(name="Front")
    run = user.create_run()
    post_demo_counts(user, run["id"])
    user.post_batch(run["id"], [sample("2026-03-29T01:45:00Z", f"zone-{zone['id']}",
                                       occupancy=2, entries=2)])
    response = user.get(f"/api/runs/{run['id']}/export.csv?bucket=1h")
    assert f'run-{run["id"]}-1h.csv' in response.headers["Content-Disposition"]
    table = rows(response)
    assert list(table[0]) == ["time_utc", "time_local", "run_id", "zone_key", "zone_id",
                              "zone_name", "figure", "line_in", "line_out", "zone_entered",
                              "zone_left", "avg_occupancy", "max_occupancy"]
    simplified = [(r["time_utc"], r["time_local"], r["zone_key"], r["zone_name"],
                   r["line_in"] or r["zone_entered"], r["line_out"] or r["zone_left"],
                   r["avg_occupancy"], r["max_occupancy"]) for r in table]
    assert {r["zone_key"]: r["figure"] for r in table} == {
        "line-1": "line", "zone-a": "zone", "frame": "frame", f"zone-{zone['id']}": "zone"}
    frame_row = next(r for r in table if r["zone_key"] == "frame")
    assert [frame_row[c] for c in ("line_in", "line_out", "zone_entered", "zone_left")] == \
        ["", "", "", ""]
    assert simplified == [
        ("2026-03-29T00:00:00.000Z", "2026-03-29T01:00:00.000+01:00", "line-1", "line-1",
         "2", "0", "", ""),
        ("2026-03-29T00:00:00.000Z", "2026-03-29T01:00:00.000+01:00", "zone-a", "zone-a",
         "6", "1", "3.5", "5"),
        ("2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00.000+02:00", "frame",
         "People in view", "", "", "3.0", "3"),
        ("2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00.000+02:00", "line-1", "line-1",
         "0", "1", "", ""),
        ("2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00.000+02:00", f"zone-{zone['id']}",
         "Front", "2", "0", "2.0", "2"),
        ("2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00.000+02:00", "zone-a", "zone-a",
         "0", "4", "1.0", "1"),
    ]
    assert table[4]["zone_id"] == str(zone["id"]) and table[0]["zone_id"] == ""
    assert {r["run_id"] for r in table} == {str(run["id"])}


def test_events_csv_streams_every_row_once_in_time_order(app, alice):
    app.config["EXPORT_CHUNK_ROWS"] = 3  # many chunks, including ties on the same time
    run = alice.create_run()
    events = [{"ts": f"2026-07-01T12:00:0{i // 2}.25{i}Z", "zone_key": "line-1",
               "kind": "in" if i % 2 else "out", "track_id": i} for i in range(10)]
    alice.post_batch(run["id"], [], events[5:])
    alice.post_batch(run["id"], [], events[:5])
    response = alice.get(f"/api/runs/{run['id']}/export.csv?kind=events&tz=Europe/Berlin")
    assert response.is_streamed  # a generator of chunks, not one string built in memory
    table = rows(response)
    assert [int(r["track_id"]) for r in table] == list(range(10))
    assert list(table[0])[:4] == ["time_utc", "time_local", "run_id", "event_id"]
    assert table[3]["time_utc"] == "2026-07-01T12:00:01.253Z"
    assert table[3]["time_local"] == "2026-07-01T14:00:01.253+02:00"
    assert {r["kind"] for r in table} == {"in", "out"} and table[0]["dwell_s"] == ""


def test_samples_csv(alice):
    run = alice.create_run()
    alice.post_batch(run["id"], [sample("2026-01-05T08:00:00Z", "zone-a", occupancy=4,
                                        entries=1)])
    table = rows(alice.get(f"/api/runs/{run['id']}/export.csv?kind=samples"))
    assert [(r["time_utc"], r["time_local"], r["zone_key"], r["occupancy"], r["entries"])
            for r in table] == [("2026-01-05T08:00:00.000Z", "2026-01-05T08:00:00.000+00:00",
                                 "zone-a", "4", "1")]


def test_empty_export_has_only_the_header(alice):
    run = alice.create_run()
    text = alice.get(f"/api/runs/{run['id']}/export.csv?kind=events").get_data(as_text=True)
    assert text.startswith("time_utc,time_local,run_id,event_id") and text.count("\n") == 1
    bad = alice.get(f"/api/runs/{run['id']}/export.csv?kind=pdf")
    assert bad.status_code == 422 and "kind" in bad.get_json()["fields"]


def test_raw_csvs_name_each_rows_line_or_zone(app, alice):
    """The CSV of events (the dashboard's second CSV button) and of samples said only
    'zone-7' where the CSV per interval, the dashboard and the charts say 'Shop door'; a
    zone counted without saving ('draft-2') was not named anywhere in them. zone_name comes
    last, so the other columns keep their places."""
    app.config["EXPORT_CHUNK_ROWS"] = 2  # several chunks
    door = alice.create_zone(name="=Shop door, north", kind="line",
                             geometry={"points": [[10, 10], [200, 10]]})
    run = alice.create_run(key_names={"draft-2": {"name": "Queue", "kind": "polygon"}})
    key = f"zone-{door['id']}"
    alice.post_batch(run["id"], [sample("2026-07-01T12:00:00Z", key, entries=1),
                                 sample("2026-07-01T12:00:00Z", "draft-2", occupancy=1, entries=1),
                                 sample("2026-07-01T12:00:01Z", "frame", occupancy=2),
                                 sample("2026-07-01T12:00:01Z", "line-9")],
                     [{"ts": "2026-07-01T12:00:00Z", "zone_key": key, "zone_id": door["id"],
                       "kind": "in", "track_id": 1},
                      {"ts": "2026-07-01T12:00:00Z", "zone_key": "draft-2", "kind": "enter",
                       "track_id": 2},
                      {"ts": "2026-07-01T12:00:02Z", "zone_key": "line-9", "kind": "out"}])
    names = {key: "'=Shop door, north", "draft-2": "Queue", "frame": "People in view",
             "line-9": "line-9"}
    for kind, id_column in (("events", "event_id"), ("samples", "sample_id")):
        table = rows(alice.get(f"/api/runs/{run['id']}/export.csv?kind={kind}"))
        assert list(table[0])[:4] == ["time_utc", "time_local", "run_id", id_column]
        assert list(table[0])[-1] == "zone_name"
        assert {r["zone_key"]: r["zone_name"] for r in table} == \
            {k: v for k, v in names.items() if k in {r["zone_key"] for r in table}}, kind
    events = rows(alice.get(f"/api/runs/{run['id']}/export.csv?kind=events"))
    assert [r["zone_name"] for r in events] == ["'=Shop door, north", "Queue", "line-9"]
