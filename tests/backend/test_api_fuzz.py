"""Schemathesis against /api/openapi.json: generated valid and invalid requests for every
operation (a bounded number of examples each) must never get a 5xx answer."""
from __future__ import annotations

import io

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from tests.backend.conftest import make_user, sample

EXAMPLES_PER_OPERATION = 8


def seed(user) -> dict:
    """Existing ids, so generated requests also reach past the 404s."""
    video = user.post("/api/videos", data={"file": (io.BytesIO(
        b"RIFF\x00\x00\x00\x00AVI " + b"x" * 40), "a.avi")},
        content_type="multipart/form-data").get_json()
    zone = user.create_zone()
    run = user.create_run()
    user.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", "zone-a", occupancy=2,
                                       entries=1)],
                    [{"ts": "2026-03-01T10:00:00Z", "zone_key": "zone-a",
                      "kind": "alert_start", "value": 2}])
    return {"video_id": video["id"], "zone_id": zone["id"], "run_id": run["id"]}


def test_no_server_errors_for_generated_requests(app):
    app.config.update(LIVE_MAX_SECONDS=0.05, LIVE_POLL_SECONDS=0.02, MAX_UPLOAD_MB=1)
    user = make_user(app, "fuzz")
    ids = seed(user)
    headers = {"Authorization": f"Bearer {user.token}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18

    for operation in operations:
        path_ids = {name: ids[name] for name in ("video_id", "zone_id", "run_id")
                    if "{" + name + "}" in operation.path}
        variants = [(GenerationMode.POSITIVE, None), (GenerationMode.NEGATIVE, None)]
        if path_ids:
            variants.append((GenerationMode.POSITIVE, path_ids))
        for mode, path_parameters in variants:
            strategy = operation.as_strategy(generation_mode=mode,
                                              path_parameters=path_parameters)

            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      derandomize=True, phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def check(case):
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} -> "
                                    f"{response.status_code}: {response.text[:300]}")

            check()
    assert failures == [], "\n".join(failures[:20])


@pytest.fixture(autouse=True)
def _quiet_webhooks(app):
    app.config["WEBHOOK_RETRIES"] = 0
