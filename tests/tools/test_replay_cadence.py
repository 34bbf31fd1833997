"""tools/replay_eval.py --cadence: recorded detections (here the ground-truth boxes of
TUD-Campus, written as a run's detections file) replayed through the FramePipeline with and
without the detector cadence, scored over every frame."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tools.eval_data import load_mot
from tools.harness import REPO, SHARED_DATA

SEQUENCE = SHARED_DATA / "TUD-Campus"


def test_replay_scores_a_cadence_against_every_frame(tmp_path):
    if not SEQUENCE.exists():
        pytest.fail(f"the evaluation data is missing: {SEQUENCE}")
    gt = load_mot(SEQUENCE / "gt.txt")
    frames = []
    for number in range(1, 72):
        boxes = [box for _, box in gt.get(number, [])]
        frames.append({"frameIndex": number, "count": len(boxes), "boxes": [v for box in boxes for v in box],
                       "scores": [0.9] * len(boxes), "keypoints": None, "keypointCount": 0})
    detections = tmp_path / "TUD-Campus.detections.json"
    detections.write_text(json.dumps({"video": str(SEQUENCE / "TUD-Campus.mp4"), "fps": 25.0, "width": 640,
                                      "height": 480, "frames": frames}))
    out = tmp_path / "replay.json"
    completed = subprocess.run([sys.executable, str(REPO / "tools" / "replay_eval.py"), "--detections", str(detections),
                                "--gt", str(SEQUENCE / "gt.txt"), "--cadence", "null", "--cadence", "{}",
                                "--json", str(out)], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    every, adaptive = json.loads(out.read_text())
    assert every["cadence"] is None and adaptive["cadence"] == {}
    assert every["runs_per_frame"] == 1.0
    assert 0 < adaptive["runs_per_frame"] <= 0.5
    assert adaptive["reasons"]["clear"] > 0 and "interval" in adaptive["reasons"]
    # Ground-truth boxes tracked on every frame: nearly perfect identities.
    assert every["mot"]["idf1"] > 0.9
    assert set(adaptive["lines"]) == {"horizontal_line", "vertical_line"}
    assert {"f1", "precision", "recall"} <= set(adaptive["lines"]["vertical_line"]["events"])
    assert "runs/frame 1.000" in completed.stdout
