"""A list filter naming another user's run, zone or video is a 404, as the id in a path is
(DESIGN §5): /api/zones?video_id= was, but /api/alerts?run_id=, ?zone_id= and
/api/runs?video_id= answered an empty list, unlike everywhere else."""
from __future__ import annotations

from tests.backend.test_api_videos import upload

WEBM = b"\x1a\x45\xdf\xa3webm" + b"\x00" * 64


def test_a_filter_on_another_users_id_is_a_404(alice, bob):
    run = alice.create_run()
    zone = alice.create_zone(name="Queue", threshold=1)
    video = upload(alice, WEBM, "shop.webm").get_json()
    for path, what in [(f"/api/alerts?run_id={run['id']}", "run"),
                       (f"/api/alerts?zone_id={zone['id']}", "zone"),
                       (f"/api/runs?video_id={video['id']}", "video"),
                       (f"/api/zones?video_id={video['id']}", "video"),
                       ("/api/alerts?run_id=999999", "run"), ("/api/runs?video_id=999999", "video")]:
        answer = bob.get(path)
        assert answer.status_code == 404, path
        assert answer.get_json() == {"error": "not_found", "message": f"No such {what}."}
    # The owner's filters still answer their lists.
    assert alice.get(f"/api/alerts?run_id={run['id']}").status_code == 200
    assert alice.get(f"/api/alerts?zone_id={zone['id']}").get_json()["total"] == 0
    assert alice.get(f"/api/runs?video_id={video['id']}").get_json()["total"] == 0
