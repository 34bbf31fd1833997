"""tools/evaluate.py --cadence on, end to end on TUD-Campus: the FramePipeline's detector cadence
skips the detector on some frames, those frames count nothing by themselves, and the counts
stay in line with the reference (never timings)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tools.harness import REPO, SHARED_DATA

pytestmark = pytest.mark.e2e
SEQUENCE = SHARED_DATA / "TUD-Campus"


def test_cadence_skips_the_detector_and_keeps_the_counts(tmp_path):
    if not SEQUENCE.exists():
        pytest.fail(f"the evaluation data is missing: {SEQUENCE}")
    command = [sys.executable, str(REPO / "tools" / "evaluate.py"), "--video", str(SEQUENCE / "TUD-Campus.mp4"),
               "--gt", str(SEQUENCE / "gt.txt"), "--cadence", "on", "--json", str(tmp_path / "result.json"),
               "--tracks-out", str(tmp_path / "tracks.txt"), "--quiet"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=1200)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads((tmp_path / "result.json").read_text())
    assert any(line.startswith("| detector runs per frame") for line in completed.stdout.splitlines())
    assert report["options"]["cadence"] == {}
    runs = report["timing"]["detector_runs_per_frame"]
    # Issue 18's target: at least 2x fewer detector runs (a count, not a timing).
    assert 0 < runs <= 0.5, f"the cadence should skip at least half of the 71 frames, ran on {runs:.3f} of them"
    assert report["cadence"]["reasons"].get("clear", 0) >= 71 / 2
    # The video's last frame is a detector run, so its counts end on a real sighting.
    assert report["cadence"]["last_frame_detected"] is True
    vertical = report["ours"]["lines"]["vertical_line"]
    assert abs(vertical["in"] + vertical["out"] - vertical["reference_in"] - vertical["reference_out"]) <= 2
    assert vertical["events"]["f1"] >= 0.6
    assert report["ours"]["mot"]["idf1"] >= 0.6
