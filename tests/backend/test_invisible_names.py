"""A zone or camera name of zero-width spaces, bidi marks or other invisible characters only
was saved, and showed as nothing in every list (the monitor, the Webhooks page, the
dashboard); it is a 422 naming the field now. Names with visible text around such
characters stay as they are."""
from __future__ import annotations

import uuid

import pytest

from backend.api.cameras import CAMERA_NAME_RULE

INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\u202e", "\u2068\u2069", "\ufeff", "\u3000\u200b",
             "\u00ad"]
ZONE = {"kind": "polygon", "camera_key": "door", "frame_width": 640, "frame_height": 480,
        "geometry": {"points": [[10, 10], [200, 10], [200, 200]]}}


@pytest.mark.parametrize("name", INVISIBLE)
def test_an_invisible_name_is_refused(alice, name):
    zone = alice.post("/api/zones", json={**ZONE, "name": name})
    assert zone.status_code == 422
    assert zone.get_json()["fields"]["name"] == ["Give a name with at least one visible character."]
    camera = alice.post("/api/cameras", json={"name": name, "url": "rtsp://10.0.0.5/s"})
    assert camera.status_code == 422 and camera.get_json()["fields"]["name"] == [CAMERA_NAME_RULE]
    run = alice.post("/api/runs", json={"client_run_id": uuid.uuid4().hex, "source_kind": "webcam",
                                        "camera_key": "door",
                                        "key_names": {"draft-1": {"name": name, "kind": "polygon"}}})
    assert run.status_code == 422
    assert alice.get("/api/zones").get_json()["items"] == []


def test_visible_names_with_invisible_characters_stay(alice):
    for name in ("Till\u200b2", "\u202eevil", "קופה\u200f", "e\u0301"):
        assert alice.create_zone(name=name)["name"] == name
    camera = alice.post("/api/cameras", json={"name": "Door", "url": "rtsp://10.0.0.5/s"}).get_json()
    renamed = alice.patch(f"/api/cameras/{camera['id']}", json={"name": "\u200b"})
    assert renamed.status_code == 422
    assert alice.get(f"/api/cameras/{camera['id']}").get_json()["name"] == "Door"
