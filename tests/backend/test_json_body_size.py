"""A JSON body larger than MAX_JSON_MB is a 413 before it is read: the app's only limit was
MAX_CONTENT_LENGTH, the video upload limit (2 GB), so any client, logged in or not, could
make a worker hold a 2 GB JSON body in memory. Uploads keep their own limit."""
from __future__ import annotations

import io
import json

from tests.backend.conftest import sample


def test_a_json_body_over_the_limit_is_a_413_before_it_is_read(app, alice, client):
    app.config["MAX_JSON_MB"] = 1
    big = json.dumps({"name": "x" * (1024 * 1024), "kind": "polygon"})
    for answer in (alice.post("/api/zones", data=big, content_type="application/json"),
                   client.post("/api/zones", data=big, content_type="application/json")):
        assert answer.status_code == 413
        assert answer.get_json() == {"error": "body_too_large",
                                     "message": "The JSON body is larger than 1 MB."}
    # Without a Content-Length the body is cut off at the limit while it is read.
    answer = alice.post("/api/zones", input_stream=io.BytesIO(b" " * (2 * 1024 * 1024)),
                        content_type="application/json",
                        environ_overrides={"wsgi.input_terminated": True})
    assert answer.status_code == 413 and answer.get_json()["error"] == "body_too_large"


def test_a_full_batch_fits_the_default_limit(app, alice):
    assert app.config["MAX_JSON_MB"] == 16
    run = alice.create_run()
    rows = [sample(f"2026-03-01T10:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
                   "zone-key-of-sixty-four-characters-" + "k" * 29, occupancy=i % 7,
                   entries=1, exits=1) for i in range(10_000)]
    body = {"batch_id": "b" * 64, "samples": rows, "events": []}
    assert len(json.dumps(body)) > 1024 * 1024
    answer = alice.post(f"/api/runs/{run['id']}/batches", json=body)
    assert answer.status_code == 201, answer.get_json()
