"""IP cameras (issue 16): the API keeps the URL to itself, another user's camera is a 404,
bad URLs are clear 422s, and a counting-station token can do only a station's work.
Runs on SQLite and MariaDB like every `app` test."""
from __future__ import annotations

import json
import uuid

import pytest

from backend.api.cameras import CAMERA_NAME_RULE
from backend.db import transaction
from backend.repositories import cameras as camera_repo
from backend.station import scope
from tests.backend.conftest import sample

SECRET_URL = "rtsp://camop7:Zq9%2FKx7w@192.168.1.20:554/streamq1?channel=2"
SECRETS = ("Zq9", "Kx7w", "camop7", "192.168.1.20", "streamq1")


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


def add_camera(user, **values) -> dict:
    response = user.post("/api/cameras", json={"name": "Front door", "url": SECRET_URL,
                                               **values})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_camera_is_added_by_url_and_its_url_never_comes_back(alice):
    camera = add_camera(alice, always_on=True)
    assert camera["kind"] == "rtsp" and camera["scheme"] == "rtsp" and camera["always_on"]
    assert camera["camera_key"] == f"ipcam:{camera['id']}"
    assert camera["stream_url"] == f"/api/cameras/{camera['id']}/stream"
    answers = [alice.get("/api/cameras"), alice.get(f"/api/cameras/{camera['id']}"),
               alice.patch(f"/api/cameras/{camera['id']}", json={"name": "Door"}),
               alice.get(f"/api/cameras/{camera['id']}/status"),
               alice.get(f"/api/cameras/{camera['id']}/outages"), alice.get("/api/openapi.json")]
    for response in answers:
        assert response.status_code == 200
        assert_no_secret(response.get_data(as_text=True))
    assert_no_secret(json.dumps(camera))
    assert answers[2].get_json()["name"] == "Door" and answers[2].get_json()["always_on"]


KINDS = [
    ("http://10.0.0.5/video.mjpg", "mjpeg"),
    ("https://cam.example.com/live/index.m3u8", "hls"),
    ("rtsps://user:pw@cam.local/s", "rtsp"),
    ("rtsp://127.0.0.1:8554/cam", "rtsp"),        # loopback and private: what cameras use
    ("http://[fd00::5]/mjpeg", "mjpeg"),
]
WRONG_URLS = [
    ("ftp://cam/x", "rtsp://, rtsps://, http:// or https://"),
    ("file:///etc/passwd", "rtsp://, rtsps://, http:// or https://"),
    ("rtsp://", "no host"),
    ("rtsp://169.254.169.254/latest", "link-local"),       # the cloud metadata service
    ("http://[fe80::1]/x", "link-local"),
    ("rtsp://224.0.0.1/x", "multicast"),
    ("rtsp://0.0.0.0/x", "unspecified"),
    ("rtsp://cam.local/a b", "spaces"),
    ("rtsp://cam.local:99999/x", "port"),
    ("rtsp://cam.local/" + "x" * 1000, "longer than"),
]


def test_the_kind_comes_from_the_url(alice):
    for url, kind in KINDS:
        assert add_camera(alice, url=url)["kind"] == kind, url


def test_a_wrong_url_is_a_422_that_does_not_repeat_it(alice):
    for url, expected in WRONG_URLS:
        response = alice.post("/api/cameras", json={"name": "Cam", "url": url})
        assert response.status_code == 422, url
        message = " ".join(response.get_json()["fields"]["url"])
        assert expected in message, url
        assert url not in response.get_data(as_text=True)
    assert alice.get("/api/cameras").get_json()["items"] == []


def test_a_camera_without_a_name_is_asked_for_one(alice):
    """A name of spaces (the monitor's form sends what was typed) was answered "Length must
    be between 1 and 80." on the monitor's status line."""
    camera = add_camera(alice)
    for answer in (alice.post("/api/cameras", json={"name": "   ", "url": "rtsp://10.0.0.5/s"}),
                   alice.patch(f"/api/cameras/{camera['id']}", json={"name": ""}),
                   alice.post("/api/cameras", json={"name": "x" * 81, "url": "rtsp://10.0.0.5/s"})):
        assert answer.status_code == 422
        assert answer.get_json()["fields"]["name"] == [CAMERA_NAME_RULE]


def test_a_kind_that_does_not_fit_the_url_is_a_422(alice):
    response = alice.post("/api/cameras", json={"name": "Cam", "url": "http://10.0.0.5/x",
                                                "kind": "rtsp"})
    assert response.status_code == 422 and "kind" in response.get_json()["fields"]


def test_a_hosted_server_takes_cameras_on_public_addresses_only(alice, app):
    """CAMERA_ALLOW_PRIVATE=false (deploy/: a server shared by many accounts): a LAN or
    loopback address is a 422 that says why without repeating it, when added and when a
    camera is given a new one; a public address and a host name are taken (the name is
    judged when read)."""
    app.config["CAMERA_ALLOW_PRIVATE"] = False
    for url in (SECRET_URL, "rtsp://127.0.0.1:8554/cam", "http://localhost:8080/v.mjpg",
                "http://[::1]/x", "rtsp://0x7f000001/s", "http://100.101.102.103/x"):
        response = alice.post("/api/cameras", json={"name": "Cam", "url": url})
        assert response.status_code == 422, url
        message = " ".join(response.get_json()["fields"]["url"])
        assert "public internet addresses only" in message, url
        assert url not in response.get_data(as_text=True)
        assert_no_secret(response.get_data(as_text=True))
    assert alice.get("/api/cameras").get_json()["items"] == []
    public = add_camera(alice, url="rtsp://user:pw@8.8.8.8/stream")
    assert add_camera(alice, url="https://cam.example.com/live/index.m3u8")["kind"] == "hls"
    moved = alice.patch(f"/api/cameras/{public['id']}", json={"url": "http://192.168.1.30/mjpeg"})
    assert moved.status_code == 422 and "url" in moved.get_json()["fields"]
    assert_no_secret(moved.get_data(as_text=True))
    # changing only the kind keeps the saved address: it is judged again when read
    assert alice.patch(f"/api/cameras/{public['id']}", json={"kind": "rtsp"}).status_code == 200
    app.config["CAMERA_ALLOW_PRIVATE"] = True   # the default: LAN cameras are what shops have
    assert add_camera(alice)["kind"] == "rtsp"


def test_another_users_camera_is_a_404_everywhere(alice, bob):
    camera = add_camera(alice)
    base = f"/api/cameras/{camera['id']}"
    for response in (bob.get(base), bob.patch(base, json={"name": "Mine"}), bob.delete(base),
                     bob.get(f"{base}/stream"), bob.get(f"{base}/status"),
                     bob.get(f"{base}/outages")):
        assert response.status_code == 404
        assert_no_secret(response.get_data(as_text=True))
    assert bob.get("/api/cameras").get_json()["items"] == []
    assert alice.get(base).get_json()["name"] == "Front door"


def test_a_new_url_replaces_the_old_and_delete_removes_it(alice, app):
    camera = add_camera(alice)
    changed = alice.patch(f"/api/cameras/{camera['id']}",
                          json={"url": "http://192.168.1.30/mjpeg", "always_on": True})
    assert changed.status_code == 200
    assert changed.get_json()["kind"] == "mjpeg" and changed.get_json()["always_on"]
    with app.app_context(), transaction() as conn:
        assert camera_repo.url_of(conn, alice.id, camera["id"]) == "http://192.168.1.30/mjpeg"
    assert alice.delete(f"/api/cameras/{camera['id']}").status_code == 204
    assert alice.get(f"/api/cameras/{camera['id']}").status_code == 404


def test_an_unreachable_camera_is_a_specific_502_within_seconds(alice):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"rtsp://who:Pa55word@127.0.0.1:{port}/cam"
    camera = add_camera(alice, url=url)
    response = alice.get(f"/api/cameras/{camera['id']}/stream")
    assert response.status_code == 502
    body = response.get_json()
    assert body["error"] == "camera_unreachable"
    assert "could not be reached" in body["message"]
    assert "Pa55word" not in response.get_data(as_text=True) and str(port) not in body["message"]


# ----- counting-station tokens -----

def station_token(app, user) -> str:
    secret, token_hash = scope.new_token()
    with app.app_context(), transaction() as conn:
        camera_repo.create_station_token(conn, user.id, "test station", token_hash)
    return secret


def as_station(user, secret):
    from tests.backend.conftest import ApiUser

    return ApiUser(user.app, user.id, secret, user.username)


def test_a_station_token_counts_its_users_cameras_and_nothing_else(app, alice, bob):
    camera = add_camera(alice, always_on=True)
    others = add_camera(bob)
    key = camera["camera_key"]
    alice.create_zone(camera_key=key, kind="line", name="Door",
                      geometry={"points": [[500, 0], [500, 480]]})
    alice.create_zone(camera_key="front-door")  # a webcam's zone: not the station's business
    station = as_station(alice, station_token(app, alice))
    assert station.get("/api/me").status_code == 200
    assert [c["id"] for c in station.get("/api/cameras").get_json()["items"]] == [camera["id"]]
    zones = station.get(f"/api/zones?camera_key={key}")
    assert zones.status_code == 200 and [z["name"] for z in zones.get_json()["items"]] == ["Door"]
    run = station.post("/api/runs", json={"client_run_id": uuid.uuid4().hex,
                                          "source_kind": "ipcam", "camera_key": key})
    assert run.status_code == 201
    run_id = run.get_json()["id"]
    posted = station.post_batch(run_id, [sample("2026-01-01T00:00:00Z", "frame", occupancy=1)])
    assert posted.status_code in (200, 201), posted.get_json()
    assert station.patch(f"/api/runs/{run_id}", json={"ended": True}).status_code == 200

    refused = [
        station.get("/api/zones?camera_key=front-door"),
        station.get("/api/zones"),
        station.get("/api/videos"), station.get("/api/runs"), station.get("/api/profile"),
        station.get("/api/tokens"), station.post("/api/cameras", json={"name": "x", "url": SECRET_URL}),
        station.patch(f"/api/cameras/{camera['id']}", json={"always_on": False}),
        station.delete(f"/api/cameras/{camera['id']}"),
        station.post("/api/zones", json={}),
        station.post("/api/runs", json={"client_run_id": "x1", "source_kind": "webcam",
                                        "camera_key": "front-door"}),
        station.post("/api/runs", json={"client_run_id": "x2", "source_kind": "ipcam",
                                        "camera_key": others["camera_key"]}),
    ]
    for response in refused:
        assert response.status_code == 403, response.request.path
        assert response.get_json()["error"] == "station_scope"
    webcam_run = alice.create_run()
    assert station.post_batch(webcam_run["id"]).status_code == 403
    assert station.get(f"/api/cameras/{others['id']}").status_code == 404


def test_a_revoked_or_unknown_station_token_is_a_401(app, alice):
    secret = station_token(app, alice)
    with app.app_context(), transaction() as conn:
        camera_repo.revoke_station_token(conn, __import__("hashlib").sha256(secret.encode()).hexdigest())
    assert as_station(alice, secret).get("/api/me").status_code == 401
    assert as_station(alice, "pcs_" + "x" * 40).get("/api/me").status_code == 401


def test_a_station_token_opens_no_html_page_as_the_user(app, alice):
    secret = station_token(app, alice)
    response = app.test_client().get("/monitor", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 302  # to the login page: tokens count only under /api/
    station_page = app.test_client().get("/station/monitor")
    assert station_page.status_code == 200 and b"monitor/main.js" in station_page.data
    assert b"csrf-token" not in station_page.data  # no session is made for it
