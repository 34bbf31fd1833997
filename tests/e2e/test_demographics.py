"""Demographics end to end, in Debian's Chromium with a fake webcam: a clip made of the face
photos that packages ship (face-api's sample6.jpg, four women; Ultralytics' zidane.jpg, two
men) sliding across a counting line. With the switch off no face model is requested; with it
on, the crossings are stored per gender and age band, the CSV has them, and no face data is
in the database or in any request body."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.e2e.monitor_helpers import (WAIT_MS, database_rows, table_columns, drag, open_webcam,
                                       register_and_login, set_field)
from tools.eval_demographics import make_faces_clip
from tools.harness import REPO, assert_no_csp_violations, launch_chromium, open_page

ARTIFACTS = REPO / "test-artifacts"

pytestmark = pytest.mark.e2e

FACE_MODEL_URL = "/vendor/@vladmandic/face-api/"
# What a request body must never hold: pictures, face boxes or landmarks, embeddings, raw ages.
FORBIDDEN_KEYS = {"image", "crop", "face", "faces", "embedding", "descriptor", "landmarks",
                  "age", "box", "pixels", "gender_probability", "genderProbability"}
DEMOGRAPHIC_ROW_KEYS = {"ts", "zone_key", "kind", "gender", "age_band", "count"}


@pytest.fixture(scope="module")
def faces_clip(tmp_path_factory) -> Path:
    try:
        return make_faces_clip(tmp_path_factory.mktemp("faces-webcam") / "faces.y4m")
    except FileNotFoundError as error:
        pytest.fail(str(error))


@pytest.fixture
def faces_page(playwright_instance, faces_clip):
    browser = launch_chromium(playwright_instance, [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={faces_clip}"])
    context, page = open_page(browser)
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[dict] = []
    context.on("request", lambda request: requests.append(
        {"url": request.url, "method": request.method, "body": request.post_data}))
    page.requests = requests
    yield page
    violations = list(context.csp_violations)
    context.close()
    browser.close()
    assert_no_csp_violations(violations)


def crossings_on_page(page) -> int:
    return page.evaluate("() => Number(document.getElementById('kpi-in').textContent)"
                         " + Number(document.getElementById('kpi-out').textContent)")


def count_one_pass(page, minimum_crossings: int, minimum_faces: int = 0) -> None:
    """Count until the line has seen `minimum_crossings` people (and the face worker has found
    `minimum_faces` usable faces), then stop and wait for every batch to be delivered."""
    page.click("[data-testid=start]")
    page.wait_for_function(f"() => Number(document.getElementById('kpi-in').textContent) + "
                           f"Number(document.getElementById('kpi-out').textContent) >= "
                           f"{minimum_crossings} && Number(document.querySelector("
                           f"'[data-testid=demographics-card]').dataset.facesFound || 0) >= "
                           f"{minimum_faces}", timeout=WAIT_MS)
    page.click("[data-testid=stop]")
    page.wait_for_selector("[data-testid=summary]:not([hidden])", timeout=WAIT_MS)
    page.wait_for_function("() => document.querySelector('[data-testid=connection-state]')"
                           ".dataset.queuedBatches === '0'", timeout=WAIT_MS)


def walk(value, path=""):
    """Every (key path, key, value) of a JSON document."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield f"{path}.{key}", key, inner
            yield from walk(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from walk(inner, f"{path}[{index}]")


def test_switch_off_requests_no_face_model_and_on_stores_only_aggregates(live_server, faces_page):
    page = faces_page
    register_and_login(page, live_server.url, "shopkeeper")
    open_webcam(page, live_server.url, "shop-door")
    page.wait_for_selector("[data-testid=demographics-toggle]", state="visible")
    assert not page.is_checked("[data-testid=demographics-toggle]"), "off by default"
    assert "never a picture" in page.inner_text("#demographics-switch")
    page.click("[data-testid=tool-line]")
    drag(page, (320, 20), (320, 470))
    set_field(page, "zone-name", "Door")
    page.click("[data-testid=save-zones]")
    page.wait_for_function("() => document.getElementById('status-area').textContent.includes('Saved 1 zone')")
    line_key = f"zone-{database_rows(live_server.app, 'SELECT id FROM zones')[0].id}"

    # Switch off: counting works, and not one file of the face models is asked for.
    count_one_pass(page, 1)
    assert not [r for r in page.requests if FACE_MODEL_URL in r["url"] or "face_worker" in r["url"]]
    assert database_rows(live_server.app, "SELECT COUNT(*) FROM demographic_counts")[0][0] == 0
    assert page.is_hidden("[data-testid=demographics-card]")

    # Switch on (remembered for this camera): the estimates ride along as aggregates.
    page.check("[data-testid=demographics-toggle]")
    before = len(page.requests)
    count_one_pass(page, 6, minimum_faces=3)
    run_id = database_rows(live_server.app, "SELECT MAX(id) FROM runs")[0][0]
    assert [r for r in page.requests[before:] if FACE_MODEL_URL + "model/age_gender" in r["url"]]
    assert page.is_visible("[data-testid=demographics-card]")
    assert "counted people had no estimate" in page.inner_text("[data-testid=demographics-unknown]")

    stored = database_rows(live_server.app, "SELECT zone_key, kind, gender, age_band, count "
                           "FROM demographic_counts WHERE run_id = :run", run=run_id)
    (ARTIFACTS / "demographics_e2e_rows.json").write_text(json.dumps(
        [list(row) for row in stored], indent=1))
    assert stored, "the crossings reached the server with their estimates"
    assert {row.zone_key for row in stored} == {line_key}
    estimated = [row for row in stored if row.gender != "unknown" and row.age_band != "unknown"]
    assert estimated, f"at least one crossing had a gender and an age band: {stored}"
    line_totals = database_rows(live_server.app, "SELECT SUM(entries), SUM(exits) FROM count_samples "
                                "WHERE run_id = :run AND zone_key = :key", run=run_id, key=line_key)[0]
    by_kind = {kind: sum(r.count for r in stored if r.kind == kind) for kind in ("in", "out")}
    assert (by_kind["in"], by_kind["out"]) == (line_totals[0], line_totals[1]), \
        "every counted crossing is in the demographic counts once"

    # The CSV (fetched as the page would, with the session cookie).
    text = page.evaluate(f"() => fetch('/api/runs/{run_id}/demographics.csv?bucket=1h').then((r) => r.text())")
    table = list(csv.DictReader(io.StringIO(text)))
    assert {(r["zone_key"], r["gender"], r["age_band"]) for r in table} == \
        {(row.zone_key, row.gender, row.age_band) for row in stored if row.count}
    assert sum(int(r["count"]) for r in table) == sum(row.count for row in stored)

    # The dashboard shows the session's stacked bars and how many had no estimate.
    page.goto(f"{live_server.url}/dashboard?run={run_id}")
    page.wait_for_selector("[data-testid=dash-demographics]:not([hidden])")
    counted = sum(row.count for row in stored)
    unknown = sum(row.count for row in stored if row.age_band == "unknown")
    assert page.get_attribute("[data-testid=dash-demographics]", "data-counted") == str(counted)
    assert page.inner_text("[data-testid=dash-demographics-unknown]").startswith(
        f"{unknown} of {counted} counted people had no estimate")
    assert page.is_visible("[data-testid=csv-demographics]")

    # No face data in any request body, and demographics only as aggregate rows.
    bodies = [json.loads(r["body"]) for r in page.requests
              if r["method"] in ("POST", "PUT", "PATCH") and r["body"] and r["body"].startswith("{")]
    batches = [b for b in bodies if "batch_id" in b]
    assert any(b.get("demographics") for b in batches)
    for body in bodies:
        for path, key, value in walk(body):
            assert key not in FORBIDDEN_KEYS, path
            assert not (isinstance(value, str) and value.startswith("data:")), path
    for batch in batches:
        for row in batch.get("demographics", []):
            assert set(row) == DEMOGRAPHIC_ROW_KEYS
        for event in batch["events"]:
            assert not {"gender", "age_band"} & set(event)
    # ... nor in the database: the per-event and per-sample tables carry no estimate.
    for table_name in ("count_events", "count_samples", "runs"):
        columns = table_columns(live_server.app, table_name)
        assert not columns & {"gender", "age", "age_band", "face", "embedding", "image"}, table_name
