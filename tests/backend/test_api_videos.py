"""Videos: streamed upload (size limit, container sniffing), metadata, pagination, Range
playback, delete, and per-user authorisation."""
from __future__ import annotations

import io
from pathlib import Path
import shutil
import subprocess

import pytest

from backend.schema import videos
from tests.backend.conftest import table_count

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None or
                                  shutil.which("ffprobe") is None,
                                  reason="ffmpeg/ffprobe (Debian package ffmpeg) not installed")


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    """A real 2-second 160x120 MP4 at 10 fps made by ffmpeg."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x120:rate=10", "-t", "2", "-c:v", "mpeg4",
                    "-pix_fmt", "yuv420p", "-y", str(path)], check=True, timeout=60)
    return path.read_bytes()


def upload(user, data: bytes, name: str = "clip.mp4"):
    return user.post("/api/videos", data={"file": (io.BytesIO(data), name)},
                     content_type="multipart/form-data")


def stored_files(app) -> list:
    from pathlib import Path
    return sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).iterdir())


@needs_ffmpeg
def test_upload_stores_file_and_metadata(app, alice, clip):
    response = upload(alice, clip, "../../etc/My clip.mp4")
    assert response.status_code == 201, response.get_json()
    video = response.get_json()
    assert response.headers["Location"].endswith(f"/api/videos/{video['id']}")
    assert video["original_name"] == "My clip.mp4"
    assert video["content_type"] == "video/mp4" and video["size_bytes"] == len(clip)
    assert (video["width"], video["height"], video["fps"]) == (160, 120, 10.0)
    assert video["duration_s"] == pytest.approx(2.0, abs=0.2)
    assert video["content_url"] == f"/api/videos/{video['id']}/content"
    files = stored_files(app)
    assert len(files) == 1 and files[0].endswith(".mp4") and "clip" not in files[0]
    assert alice.get(f"/api/videos/{video['id']}").get_json() == video


def test_upload_without_ffprobe_keeps_metadata_empty(app, alice):
    app.config["FFPROBE_BIN"] = "no-such-ffprobe"
    data = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 200
    video = upload(alice, data).get_json()
    assert video["content_type"] == "video/mp4"
    assert (video["duration_s"], video["width"], video["height"], video["fps"]) == \
        (None, None, None, None)


def test_upload_of_several_megabytes_streams_to_disk_whole(app, alice):
    data = b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * (3 * 4096)
    response = upload(alice, data)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["size_bytes"] == len(data)
    (stored,) = stored_files(app)
    assert (Path(app.config["UPLOAD_DIR"]) / stored).read_bytes() == data


def test_wrong_container_is_refused_and_nothing_kept(app, alice):
    response = upload(alice, b"MZ\x90\x00 this is a program, not a video" * 10, "movie.mp4")
    assert response.status_code == 415
    body = response.get_json()
    assert body["error"] == "unsupported_media_type" and "file" in body["fields"]
    assert table_count(app, videos) == 0 and stored_files(app) == []


def test_too_large_upload_answers_413_json(app, alice):
    app.config["MAX_UPLOAD_MB"] = 1
    data = b"\x00\x00\x00\x18ftypisom" + b"\x00" * (1024 * 1024 + 10)
    response = upload(alice, data)
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "request_entity_too_large"
    # Words that say what happened and what the limit is (the page shows them as they are;
    # they were werkzeug's "The data value transmitted exceeds the capacity limit.").
    assert body["message"] == "The file is larger than the upload limit of 1 MB."
    assert "fields" not in body
    assert table_count(app, videos) == 0 and stored_files(app) == []


@pytest.mark.parametrize("make_kwargs", [
    lambda: {"data": {"other": (io.BytesIO(b"x"), "a.mp4")},
             "content_type": "multipart/form-data"},
    lambda: {"data": {"file": (io.BytesIO(b""), "a.mp4")},
             "content_type": "multipart/form-data"},
    lambda: {"json": {"file": "a.mp4"}},
], ids=["other-field", "empty-file", "json-body"])
def test_upload_without_a_file_is_a_field_error(app, alice, make_kwargs):
    response = alice.post("/api/videos", **make_kwargs())
    assert response.status_code == 422
    assert "file" in response.get_json()["fields"]
    assert table_count(app, videos) == 0 and stored_files(app) == []


def test_list_is_paginated_newest_first(alice, bob):
    ids = [upload(alice, b"RIFF\x00\x00\x00\x00AVI " + bytes([i]) * 50, f"v{i}.avi")
           .get_json()["id"] for i in range(3)]
    upload(bob, b"RIFF\x00\x00\x00\x00AVI " + b"b" * 50, "bob.avi")
    first = alice.get("/api/videos?page=1&per_page=2").get_json()
    second = alice.get("/api/videos?page=2&per_page=2").get_json()
    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)
    assert [v["id"] for v in first["items"] + second["items"]] == ids[::-1]
    bad = alice.get("/api/videos?per_page=1000")
    assert bad.status_code == 422 and "per_page" in bad.get_json()["fields"]


@needs_ffmpeg
def test_playback_honours_range_requests(alice, clip):
    video = upload(alice, clip).get_json()
    full = alice.get(video["content_url"])
    assert full.status_code == 200 and full.data == clip
    assert full.headers["Accept-Ranges"] == "bytes"
    partial = alice.get(video["content_url"], headers={"Range": "bytes=100-199"})
    assert partial.status_code == 206
    assert partial.headers["Content-Range"] == f"bytes 100-199/{len(clip)}"
    assert partial.data == clip[100:200]
    tail = alice.get(video["content_url"], headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == clip[-10:]
    outside = alice.get(video["content_url"], headers={"Range": f"bytes={len(clip) + 5}-"})
    assert outside.status_code == 416


def test_delete_removes_row_and_file(app, alice):
    video = upload(alice, b"\x1a\x45\xdf\xa3webm" + b"\x00" * 64, "a.webm").get_json()
    assert video["content_type"] == "video/webm"
    assert len(stored_files(app)) == 1
    assert alice.delete(f"/api/videos/{video['id']}").status_code == 204
    assert stored_files(app) == [] and table_count(app, videos) == 0
    assert alice.get(f"/api/videos/{video['id']}").status_code == 404
    assert alice.delete(f"/api/videos/{video['id']}").status_code == 404


def test_another_users_video_is_not_found(app, alice, bob):
    video = upload(alice, b"RIFF\x00\x00\x00\x00AVI " + b"a" * 50, "a.avi").get_json()
    for path in (f"/api/videos/{video['id']}", video["content_url"],
                 f"/api/videos/{video['id']}/stats"):
        response = bob.get(path)
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert bob.delete(f"/api/videos/{video['id']}").status_code == 404
    assert bob.get("/api/videos").get_json()["total"] == 0
    assert table_count(app, videos) == 1 and len(stored_files(app)) == 1


def test_huge_ids_are_plain_not_found(alice):
    assert alice.get("/api/videos/99999999999999999999999").status_code == 404
