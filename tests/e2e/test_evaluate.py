"""tools/evaluate.py end to end on TUD-Campus: the app's detector, tracker and counting in
Debian's Chromium on every frame. Checks the output is well formed and the counts agree with
the sequence's reference (never timings)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tools.harness import REPO, SHARED_DATA

pytestmark = pytest.mark.e2e
SEQUENCE = SHARED_DATA / "TUD-Campus"


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    if not (REPO / "frontend" / "models" / "index.json").exists():
        pytest.fail("no exported model in frontend/models: run `make model`")
    if not SEQUENCE.exists():
        pytest.fail(f"the evaluation data is missing: {SEQUENCE}")
    folder = tmp_path_factory.mktemp("evaluate")
    command = [sys.executable, str(REPO / "tools" / "evaluate.py"), "--video", str(SEQUENCE / "TUD-Campus.mp4"),
               "--gt", str(SEQUENCE / "gt.txt"), "--zone", "0,0,320,0,320,480,0,480",
               "--json", str(folder / "result.json"), "--tracks-out", str(folder / "tracks.txt"), "--quiet"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=1200)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return {"stdout": completed.stdout, "json": json.loads((folder / "result.json").read_text()),
            "tracks": (folder / "tracks.txt").read_text()}


def test_prints_a_table_and_ends_with_the_json_line(evaluation):
    lines = evaluation["stdout"].strip().splitlines()
    assert any(line.startswith("| IDF1") for line in lines)
    assert json.loads(lines[-1]) == evaluation["json"]


def test_the_report_holds_every_figure(evaluation):
    report = evaluation["json"]
    assert report["frames"] == 71
    assert set(report["detection"]) >= {"precision", "recall"}
    assert set(report["ours"]["mot"]) >= {"mota", "idf1", "id_switches"}
    assert set(report["ours"]["occupancy_mae"]) == {"frame", "zone1"}
    assert set(report["timing"]) >= {"fps", "ms_per_frame", "tracker_counting_share"}
    for line in report["ours"]["lines"].values():
        assert set(line) >= {"in", "out", "reference_in", "reference_out", "events"}
        assert set(line["events"]) >= {"precision", "recall", "f1"}


def test_tracks_file_is_mot_format_within_the_video(evaluation):
    rows = [row.split(",") for row in evaluation["tracks"].strip().splitlines()]
    assert rows, "no tracks written"
    for row in rows:
        assert len(row) == 10
        assert 1 <= int(row[0]) <= 71
        assert int(row[1]) >= 1
        assert float(row[4]) > 0 and float(row[5]) > 0


def test_ground_truth_reference_follows_the_readme_rule(evaluation):
    """The reference counts come from the ground truth through the same counting engine;
    for a net once-per-person rule they must equal the README's rule A."""
    report = evaluation["json"]
    for line_id, expected in report["readme_rule_a"].items():
        line = report["ours"]["lines"][line_id]
        assert (line["reference_in"], line["reference_out"]) == (expected["in"], expected["out"]), line_id


def test_counts_and_tracking_are_in_line_with_the_reference(evaluation):
    report = evaluation["json"]
    vertical = report["ours"]["lines"]["vertical_line"]
    reference_total = vertical["reference_in"] + vertical["reference_out"]
    assert abs(vertical["in"] + vertical["out"] - reference_total) <= 2
    assert vertical["events"]["f1"] >= 0.6
    assert report["detection"]["recall"] >= 0.7
    assert report["ours"]["mot"]["idf1"] >= 0.6
    assert report["ours"]["occupancy_mae"]["frame"] <= 1.5


@pytest.fixture(scope="module")
def evaluation_every_12(tmp_path_factory):
    """The same run at every 12th frame (2.1 detector runs a second): 6 of the 71 frames."""
    folder = tmp_path_factory.mktemp("evaluate-every")
    command = [sys.executable, str(REPO / "tools" / "evaluate.py"), "--video", str(SEQUENCE / "TUD-Campus.mp4"),
               "--gt", str(SEQUENCE / "gt.txt"), "--every", "12", "--zone", "0,0,320,0,320,480,0,480",
               "--json", str(folder / "result.json"),
               "--tracks-out", str(folder / "tracks.txt"), "--quiet"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=1200)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return {"stdout": completed.stdout, "json": json.loads((folder / "result.json").read_text()),
            "tracks": (folder / "tracks.txt").read_text()}


def test_every_k_runs_those_frames_with_their_own_times(evaluation_every_12):
    report = evaluation_every_12["json"]
    assert report["every"] == 12
    assert report["frames"] == 6
    assert "every 12th frame" in evaluation_every_12["stdout"]
    frames = {int(row.split(",")[0]) for row in evaluation_every_12["tracks"].strip().splitlines()}
    assert frames and frames <= {1, 13, 25, 37, 49, 61}
    # A zone is scored on the frames run too (its reference occupancy taken at those frames).
    assert 0 <= report["ours"]["occupancy_mae"]["zone1"] <= 6
    # The reference still counts the ground truth on every frame: the README's rule A.
    for line_id, expected in report["readme_rule_a"].items():
        line = report["ours"]["lines"][line_id]
        assert (line["reference_in"], line["reference_out"]) == (expected["in"], expected["out"]), line_id


# The scoring rules themselves, on small tables (no browser needed).
from tools.eval_metrics import match_events, net_events  # noqa: E402


def test_net_events_drop_cancelled_counts():
    events = [
        {"type": "cross_raw", "zoneId": "l", "trackId": 1, "frameIndex": 3},
        {"type": "in", "zoneId": "l", "trackId": 1, "frameIndex": 3},
        {"type": "in", "zoneId": "l", "trackId": 1, "frameIndex": 9, "cancelled": True},
        {"type": "out", "zoneId": "l", "trackId": 2, "frameIndex": 5},
        {"type": "in", "zoneId": "other", "trackId": 3, "frameIndex": 6},
    ]
    assert [(e["trackId"], e["type"]) for e in net_events(events, "l")] == [(2, "out")]


def test_net_events_keep_a_track_ids_counts_after_the_engine_restarted_it():
    # The jump rule (or a track found again) starts a track id over as a new person: its
    # earlier count stands, and a cancellation undoes only the latest count.
    events = [
        {"type": "in", "zoneId": "l", "trackId": 1, "frameIndex": 3},
        {"type": "out", "zoneId": "l", "trackId": 1, "frameIndex": 40},
        {"type": "in", "zoneId": "l", "trackId": 1, "frameIndex": 80},
        {"type": "in", "zoneId": "l", "trackId": 1, "frameIndex": 90, "cancelled": True},
    ]
    assert [(e["frameIndex"], e["type"]) for e in net_events(events, "l")] == [(3, "in"), (40, "out")]


@pytest.mark.parametrize("predicted, reference, expected", [
    ([(10, "in")], [(30, "in")], (1.0, 1.0)),           # 20 frames = 0.8 s apart: a match
    ([(10, "in")], [(40, "in")], (0.0, 0.0)),           # 1.2 s apart: no match
    ([(10, "in")], [(12, "out")], (0.0, 0.0)),          # opposite directions never match
    ([(10, "in"), (11, "in")], [(10, "in")], (0.5, 1.0)),  # one-to-one
    ([], [], (1.0, 1.0)),
])
def test_crossing_events_match_within_one_second_same_direction(predicted, reference, expected):
    as_events = lambda rows: [{"frameIndex": f, "direction": d} for f, d in rows]  # noqa: E731
    result = match_events(as_events(predicted), as_events(reference), fps=25)
    assert (result["precision"], result["recall"]) == expected
