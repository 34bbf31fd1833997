"""Deleting an IP camera: its zones and their webhooks go with it (as a video's do), the
sessions that counted them keep their counts and the zones' names. Before, the zones stayed
(listed as the camera key "ipcam:<id>" on the Webhooks page and in the monitor's saved
cameras) and their webhooks kept posting alerts. Runs on SQLite and MariaDB."""
from __future__ import annotations

import sqlalchemy as sa

from backend.db import create_schema, get_engine, transaction
from backend.schema import alerts, cameras, webhook_outbox, zones
from tests.backend.conftest import sample
from tests.backend.test_api_alerts import Hook, wait_for
from tests.backend.test_api_cameras import add_camera
from tests.backend.test_api_webhooks import start_alert, webhook
from tests.backend.test_deleted_zone_names import names_shown


def test_deleting_a_camera_deletes_its_zones_and_stops_their_webhooks(app, alice):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True   # the receiver is on 127.0.0.1
    app.config["WEBHOOK_BACKOFF_SECONDS"] = 600   # the retry waits: it is still pending
    receiver = Hook(failures=100)
    try:
        camera = add_camera(alice)
        other = add_camera(alice, name="Yard")
        key = camera["camera_key"]
        queue = alice.create_zone(name="Queue", threshold=3, camera_key=key)
        door = alice.create_zone(name="Door", kind="line", camera_key=key,
                                 geometry={"points": [[10, 10], [200, 200]]})
        yard = alice.create_zone(name="Yard zone", threshold=3, camera_key=other["camera_key"])
        webcam = alice.create_zone(name="Webcam zone", threshold=3)
        for hooked in (queue, yard, webcam):
            assert webhook(alice, hooked["id"], receiver.url).status_code == 200
        zone_key, run = start_alert(alice, queue["id"], source_kind="ipcam", camera_key=key)
        assert alice.post_batch(run["id"], [sample("2026-03-01T10:00:05Z", f"zone-{door['id']}",
                                                   entries=2)]).status_code == 201

        def outbox():
            with app.app_context(), transaction() as conn:
                return conn.execute(sa.select(webhook_outbox.c.status, webhook_outbox.c.attempts,
                                              webhook_outbox.c.last_result)).all()

        assert wait_for(lambda: outbox()[0].attempts == 1)
        before = names_shown(alice, run["id"])

        assert alice.delete(f"/api/cameras/{camera['id']}").status_code == 204

        # Its zones are gone, with their webhooks; other cameras' and webcams' stay.
        assert alice.get(f"/api/zones?camera_key={key}").get_json()["items"] == []
        assert {z["name"] for z in alice.get("/api/zones").get_json()["items"]} == {
            "Yard zone", "Webcam zone"}
        listed = alice.get("/api/webhooks").get_json()
        assert {item["zone_name"] for item in listed["items"]} == {"Yard zone", "Webcam zone"}
        assert not any(key in item["place"] for item in listed["zones"])
        # The delivery waiting for its retry is not sent.
        assert [tuple(row) for row in outbox()] == [("failed", 1, "cancelled: webhook removed")]
        [alert] = alice.get("/api/alerts").get_json()["items"]
        assert alert["webhook_status"] == "cancelled: webhook removed"
        # Its session and counts are kept, naming the zones as before.
        assert alice.get(f"/api/runs/{run['id']}").status_code == 200
        assert names_shown(alice, run["id"]) == before
        assert before["stats"][f"zone-{door['id']}"][0] == "Door"
        assert len(receiver.calls) == 1
    finally:
        receiver.close()


def test_a_zone_is_saved_only_for_an_ip_camera_of_ones_own(alice, bob):
    """A monitor tab left open on a deleted camera saved its zones again, as orphans."""
    camera = add_camera(alice)
    key = camera["camera_key"]
    zone = alice.create_zone(name="Queue", camera_key=key)
    theirs = bob.post("/api/zones", json={
        "name": "Mine", "kind": "polygon", "camera_key": key, "frame_width": 640,
        "frame_height": 480, "geometry": {"points": [[10, 10], [200, 10], [200, 200]]}})
    assert theirs.status_code == 422 and "camera_key" in theirs.get_json()["fields"]
    assert alice.delete(f"/api/cameras/{camera['id']}").status_code == 204
    body = {"name": "Queue", "kind": "polygon", "camera_key": key, "frame_width": 640,
            "frame_height": 480, "geometry": {"points": [[10, 10], [200, 10], [200, 200]]}}
    again = alice.post("/api/zones", json=body)
    assert again.status_code == 422
    assert again.get_json()["fields"]["camera_key"] == [
        "No such IP camera: it was deleted, or is not yours."]
    assert alice.put(f"/api/zones/{zone['id']}", json=body).status_code == 404
    assert alice.get("/api/zones").get_json()["items"] == []


def test_zones_left_by_a_camera_deleted_before_are_removed_by_init_db(app, alice, bob):
    """Installs that deleted cameras with an older version still hold their zones: the
    schema step (flask init-db) removes them, keeping their names in their sessions."""
    camera = add_camera(alice)
    kept = add_camera(alice, name="Yard")
    orphan = alice.create_zone(name="Old queue", threshold=2, camera_key=camera["camera_key"])
    alive = alice.create_zone(name="Yard zone", camera_key=kept["camera_key"])
    bobs = bob.create_zone(name="Bob's", camera_key="front-door")
    zone_key, run = start_alert(alice, orphan["id"], source_kind="ipcam",
                                camera_key=camera["camera_key"])
    with app.app_context():
        with transaction() as conn:   # what the older version's delete did
            conn.execute(sa.delete(cameras).where(cameras.c.id == camera["id"]))
        create_schema(get_engine())
        with transaction() as conn:
            assert set(conn.execute(sa.select(zones.c.id)).scalars()) == {alive["id"],
                                                                         bobs["id"]}
            assert conn.execute(sa.select(sa.func.count()).select_from(alerts)).scalar_one() == 1
    stats = alice.get(f"/api/runs/{run['id']}/stats").get_json()
    assert {z["zone_key"]: z["name"] for z in stats["zones"]}[zone_key] == "Old queue"
