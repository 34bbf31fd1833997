"""/api/runs/<id>/stats and /api/videos/<id>/stats: per-zone entries, exits, current and peak
occupancy, average dwell; totals per run and per video; buckets in the user's time zone."""
from __future__ import annotations

import io

from backend.protocol import MAX_ALERT_THRESHOLD

from tests.backend.conftest import make_user, post_demo_counts, sample


def test_run_stats_per_zone_and_totals(app):
    user = make_user(app, "dora", "Europe/Berlin")
    run = user.create_run()
    post_demo_counts(user, run["id"])
    body = user.get(f"/api/runs/{run['id']}/stats?bucket=1h").get_json()
    assert body["run"]["id"] == run["id"] and body["tz"] == "Europe/Berlin"
    zones = {z["zone_key"]: z for z in body["zones"]}
    assert set(zones) == {"frame", "line-1", "zone-a"}
    a = zones["zone-a"]
    assert (a["entries"], a["exits"], a["current_occupancy"], a["peak_occupancy"],
            a["avg_dwell_s"]) == (6, 5, 1, 5, 15.0)
    line = zones["line-1"]
    assert (line["entries"], line["exits"], line["current_occupancy"]) == (2, 1, None)
    assert zones["frame"]["name"] == "People in view" and zones["frame"]["kind"] == "frame"
    totals = body["totals"]
    assert (totals["line_in"], totals["line_out"], totals["zone_entered"], totals["zone_left"],
            totals["peak_occupancy"], totals["peak_in_view"], totals["samples"],
            totals["events"], totals["runs"]) == (2, 1, 6, 5, 5, 3, 4, 5, 1)
    assert "entries" not in totals  # lines and zones are never added together
    assert (line["figure"], line["line_in"], line["line_out"], line["zone_entered"]) == \
        ("line", 2, 1, None)
    assert (a["figure"], a["zone_entered"], a["zone_left"], a["line_in"]) == ("zone", 6, 5, None)
    buckets = [(b["start"], b["start_local"], b["zone_key"], b["entries"], b["exits"],
                b["avg_occupancy"], b["max_occupancy"]) for b in body["buckets"]]
    assert buckets == [
        ("2026-03-29T00:00:00.000Z", "2026-03-29T01:00:00.000+01:00", "line-1", 2, 0, None, None),
        ("2026-03-29T00:00:00.000Z", "2026-03-29T01:00:00.000+01:00", "zone-a", 6, 1, 3.5, 5),
        ("2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00.000+02:00", "frame", 0, 0, 3.0, 3),
        ("2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00.000+02:00", "line-1", 0, 1, None, None),
        ("2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00.000+02:00", "zone-a", 0, 4, 1.0, 1),
    ]


def test_bucket_sizes_and_tz_override(alice):
    run = alice.create_run()
    post_demo_counts(alice, run["id"])
    url = f"/api/runs/{run['id']}/stats"
    minute = alice.get(url + "?bucket=1m").get_json()["buckets"]
    assert len([b for b in minute if b["zone_key"] == "zone-a"]) == 3
    day_utc = alice.get(url + "?bucket=1d").get_json()
    assert day_utc["tz"] == "UTC"
    assert {b["start"] for b in day_utc["buckets"]} == {"2026-03-29T00:00:00.000Z"}
    day_la = alice.get(url + "?bucket=1d&tz=America/Los_Angeles").get_json()["buckets"]
    assert {b["start_local"] for b in day_la} == {"2026-03-28T00:00:00.000-07:00"}
    quarter = alice.get(url + "?bucket=15m&from=2026-03-29T01:00:00Z").get_json()["buckets"]
    assert {b["start"] for b in quarter} == {"2026-03-29T01:30:00.000Z"}
    bad = alice.get(url + "?bucket=2h&tz=Mars/Olympus")
    assert bad.status_code == 422 and "bucket" in bad.get_json()["fields"]
    bad_tz = alice.get(url + "?tz=Mars/Olympus")
    assert bad_tz.status_code == 422 and "tz" in bad_tz.get_json()["fields"]
    backwards = alice.get(url + "?from=2026-03-30T00:00:00Z&to=2026-03-29T00:00:00Z")
    assert backwards.status_code == 422 and "to" in backwards.get_json()["fields"]


def test_empty_run_has_empty_stats(alice):
    run = alice.create_run()
    body = alice.get(f"/api/runs/{run['id']}/stats").get_json()
    assert body["zones"] == [] and body["buckets"] == []
    assert body["totals"]["line_in"] == 0 and body["totals"]["peak_occupancy"] is None


def test_video_stats_add_up_its_runs(alice, bob):
    video = alice.post("/api/videos", data={"file": (io.BytesIO(
        b"RIFF\x00\x00\x00\x00AVI " + b"x" * 40), "a.avi")},
        content_type="multipart/form-data").get_json()
    for n in range(2):
        run = alice.create_run(source_kind="video", video_id=video["id"], camera_key=None)
        alice.post_batch(run["id"], [sample(f"2026-03-0{n + 1}T10:00:00Z", "zone-a",
                                            occupancy=n + 1, entries=3, exits=1)])
    alice.post_batch(alice.create_run()["id"], [sample("2026-03-01T10:00:00Z", "zone-a",
                                                       entries=100)])
    body = alice.get(f"/api/videos/{video['id']}/stats?bucket=1d").get_json()
    assert body["video_id"] == video["id"] and body["totals"]["runs"] == 2
    assert (body["totals"]["zone_entered"], body["totals"]["zone_left"]) == (6, 2)
    assert body["zones"][0]["current_occupancy"] == 2
    assert len(body["buckets"]) == 2
    assert bob.get(f"/api/videos/{video['id']}/stats").status_code == 404


def test_a_cancelled_crossing_arrives_as_a_negative_change_and_nets_out(alice):
    """A person counted in who walks back: +1 then -1 on the line, 0 in the stats."""
    run = alice.create_run()
    line = "zone-line"
    assert alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", line, entries=1),
                                        sample("2026-03-01T10:00:01Z", line, entries=-1)],
                            [{"ts": "2026-03-01T10:00:00Z", "zone_key": line, "kind": "in",
                              "track_id": 3},
                             {"ts": "2026-03-01T10:00:01Z", "zone_key": line, "kind": "out",
                              "track_id": 3}]).status_code == 201
    body = alice.get(f"/api/runs/{run['id']}/stats?bucket=1h").get_json()
    (row,) = [zone for zone in body["zones"] if zone["zone_key"] == line]
    assert (row["entries"], row["exits"]) == (0, 0)


def test_a_peak_between_samples_is_the_peak_on_every_screen(alice):
    """The page counts every frame and samples once a second; a sample's `peak` (the most at
    once since the previous one) is the run's peak in the stats, the CSV and the alert, while
    the average and the current occupancy stay those of the samples."""
    run = alice.create_run()
    assert alice.post_batch(run["id"], [
        sample("2026-03-01T10:00:00Z", "zone-a", occupancy=5, entries=5),
        sample("2026-03-01T10:00:00Z", "frame", occupancy=6),
        sample("2026-03-01T10:00:01Z", "zone-a", occupancy=6, entries=2, exits=1, peak=7),
        sample("2026-03-01T10:00:01Z", "frame", occupancy=7, peak=8),
        sample("2026-03-01T10:00:02Z", "zone-a", occupancy=0, exits=6, peak=6),
    ], [{"ts": "2026-03-01T10:00:00Z", "zone_key": "zone-a", "kind": "alert_start", "value": 5},
        {"ts": "2026-03-01T10:00:02Z", "zone_key": "zone-a", "kind": "alert_end", "value": 0}],
    ).status_code == 201
    body = alice.get(f"/api/runs/{run['id']}/stats?bucket=1m").get_json()
    zones = {z["zone_key"]: z for z in body["zones"]}
    assert (zones["zone-a"]["peak_occupancy"], zones["zone-a"]["current_occupancy"]) == (7, 0)
    assert (body["totals"]["peak_occupancy"], body["totals"]["peak_in_view"]) == (7, 8)
    (bucket,) = [b for b in body["buckets"] if b["zone_key"] == "zone-a"]
    assert (bucket["max_occupancy"], bucket["avg_occupancy"]) == (7, round(11 / 3, 3))
    csv_text = alice.get(f"/api/runs/{run['id']}/export.csv?kind=buckets&bucket=1m").get_data(as_text=True)
    (row,) = [line for line in csv_text.splitlines() if ",zone-a," in line]
    assert row.endswith(",7")
    (alert,) = alice.get(f"/api/alerts?run_id={run['id']}").get_json()["items"]
    assert alert["peak_occupancy"] == 7


def test_a_peak_below_the_occupancy_is_refused(alice):
    run = alice.create_run()
    for peak in (2, "9", -1):
        answer = alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", "zone-a",
                                                     occupancy=3, peak=peak)], [])
        assert answer.status_code == 422, peak
        assert "peak" in answer.get_json()["fields"]["samples"]["0"], answer.get_json()
    assert alice.get(f"/api/runs/{run['id']}/stats").get_json()["totals"]["samples"] == 0


def test_zones_counted_without_saving_keep_their_names(alice):
    """A file from the user's computer is counted with zones that are never saved ("draft-2"):
    the run carries their names, so the stats, the CSV and the charts name them as the monitor
    did instead of showing "draft-2"."""
    run = alice.create_run(source_kind="file", camera_key=None, label="clip.mp4", key_names={
        "draft-2": {"name": "Pavement", "kind": "polygon", "threshold": 1},
        "draft-3": {"name": "Shop door", "kind": "line"}})
    alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", "draft-2", occupancy=0),
                                 sample("2026-03-01T10:00:00Z", "draft-3", entries=1)],
                     [{"ts": "2026-03-01T10:00:00Z", "zone_key": "draft-2", "kind": "alert_start",
                       "value": 2}])
    (alert,) = alice.get(f"/api/alerts?run_id={run['id']}").get_json()["items"]
    assert alert["threshold"] == 1  # the limit the monitor said, not "limit ?"
    zones = {z["zone_key"]: z for z in alice.get(f"/api/runs/{run['id']}/stats").get_json()["zones"]}
    assert (zones["draft-2"]["name"], zones["draft-2"]["kind"], zones["draft-2"]["figure"]) == \
        ("Pavement", "polygon", "zone")  # nobody entered it, still a zone
    assert (zones["draft-3"]["name"], zones["draft-3"]["line_in"]) == ("Shop door", 1)
    csv_text = alice.get(f"/api/runs/{run['id']}/export.csv?kind=buckets").get_data(as_text=True)
    assert ",draft-2,,Pavement,zone," in csv_text and ",draft-3,,Shop door,line," in csv_text
    for bad in ({"draft-2": {"name": "", "kind": "polygon"}}, {"draft 2": {"name": "a", "kind": "line"}},
                {"draft-2": {"name": "a", "kind": "circle"}}, {"draft-2": "Pavement"},
                {"draft-2": {"name": "a", "kind": "polygon", "threshold": 0}}):
        answer = alice.post("/api/runs", json={"client_run_id": "bad", "source_kind": "file",
                                               "key_names": bad})
        assert answer.status_code == 422 and "key_names" in answer.get_json()["fields"], bad


def test_a_draft_zones_limit_has_the_saved_zones_bounds(alice):
    """A zone counted without saving carries its alert limit in the run; the server took any
    size there (a saved zone: 1 to 1,000,000), and MariaDB then answered the alert's batch with
    a 500 (the alerts table's threshold column is a 32-bit integer)."""
    limit = MAX_ALERT_THRESHOLD + 1
    answer = alice.post("/api/runs", json={
        "client_run_id": "huge-limit", "source_kind": "file",
        "key_names": {"draft-2": {"name": "Door", "kind": "polygon", "threshold": 2**40}}})
    assert answer.status_code == 422 and "key_names" in answer.get_json()["fields"]
    zone = {"name": "Door", "kind": "polygon", "camera_key": "front-door", "frame_width": 640,
            "frame_height": 480, "geometry": {"points": [[10, 10], [200, 10], [200, 200]]}}
    assert alice.post("/api/zones", json={**zone, "threshold": limit}).status_code == 422
    run = alice.create_run(source_kind="file", camera_key=None, key_names={
        "draft-2": {"name": "Door", "kind": "polygon", "threshold": MAX_ALERT_THRESHOLD}})
    assert alice.post_batch(run["id"], [], [{"ts": "2026-03-01T10:00:00Z", "zone_key": "draft-2",
                                             "kind": "alert_start", "value": 7}]).status_code == 201
    (alert,) = alice.get(f"/api/alerts?run_id={run['id']}").get_json()["items"]
    assert alert["threshold"] == MAX_ALERT_THRESHOLD
