"""A zone deleted (by itself, or with its video) keeps its name in the sessions that counted
it: the dashboard, the CSV and the alert list showed "zone-13" instead of "Checkout queue"
once the user tidied up a zone or deleted the video file."""
from __future__ import annotations

import csv
import io

from tests.backend.conftest import sample
from tests.backend.test_api_videos import upload

WEBM = b"\x1a\x45\xdf\xa3webm" + b"\x00" * 64


def counted_session(user, queue: dict, door: dict) -> dict:
    run = user.create_run()
    queue_key, door_key = f"zone-{queue['id']}", f"zone-{door['id']}"
    response = user.post_batch(run["id"], [
        sample("2026-03-01T10:00:00Z", queue_key, occupancy=2, entries=2),
        sample("2026-03-01T10:00:00Z", door_key, entries=3, exits=1),
    ], [{"ts": "2026-03-01T10:00:00Z", "zone_key": queue_key, "kind": "alert_start", "value": 2},
        {"ts": "2026-03-01T10:00:00Z", "zone_key": door_key, "kind": "in", "track_id": 4}])
    assert response.status_code == 201, response.get_json()
    return run


def names_shown(user, run_id: int) -> dict:
    stats = user.get(f"/api/runs/{run_id}/stats").get_json()
    table = list(csv.DictReader(io.StringIO(user.get(f"/api/runs/{run_id}/export.csv").get_data(as_text=True))))
    return {"stats": {z["zone_key"]: (z["name"], z["kind"], z["figure"]) for z in stats["zones"]},
            "csv": {row["zone_key"]: row["zone_name"] for row in table}}


def test_a_deleted_zone_keeps_its_name_in_the_sessions_that_counted_it(app, alice):
    queue = alice.create_zone(name="Checkout queue", threshold=1)
    door = alice.create_zone(name="Front door", kind="line",
                             geometry={"points": [[10, 10], [200, 200]]})
    run = counted_session(alice, queue, door)
    before = names_shown(alice, run["id"])
    assert alice.delete(f"/api/zones/{queue['id']}").status_code == 204
    assert alice.delete(f"/api/zones/{door['id']}").status_code == 204
    assert names_shown(alice, run["id"]) == before
    assert before["stats"][f"zone-{queue['id']}"] == ("Checkout queue", "polygon", "zone")
    assert before["csv"][f"zone-{door['id']}"] == "Front door"
    # The alert keeps its limit (read from the run's names once the zone is gone).
    alert = alice.get(f"/api/alerts?run_id={run['id']}").get_json()["items"][0]
    assert alert["threshold"] == 1


def test_deleting_a_video_keeps_the_names_of_its_zones_in_its_sessions(app, alice):
    video = upload(alice, WEBM, "shop.webm").get_json()
    where = {"camera_key": None, "video_id": video["id"]}
    queue = alice.create_zone(name="Checkout queue", **where)
    door = alice.create_zone(name="Front door", kind="line",
                             geometry={"points": [[10, 10], [200, 200]]}, **where)
    run = counted_session(alice, queue, door)
    before = names_shown(alice, run["id"])
    assert alice.delete(f"/api/videos/{video['id']}").status_code == 204
    assert names_shown(alice, run["id"]) == before
    assert before["stats"][f"zone-{door['id']}"] == ("Front door", "line", "line")


def test_another_users_sessions_are_left_alone(app, alice, bob):
    queue = alice.create_zone(name="Checkout queue")
    door = alice.create_zone(name="Front door", kind="line",
                             geometry={"points": [[10, 10], [200, 200]]})
    theirs = counted_session(bob, queue, door)   # bob's keys look like alice's zones
    assert alice.delete(f"/api/zones/{queue['id']}").status_code == 204
    assert names_shown(bob, theirs["id"])["stats"][f"zone-{queue['id']}"][0] == f"zone-{queue['id']}"
