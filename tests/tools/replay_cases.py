"""Shared by the replay tests: ground-truth boxes written as a run's detections file, and
tools/replay_eval.py run on it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.eval_data import load_mot
from tools.harness import REPO, SHARED_DATA

CAMPUS = SHARED_DATA / "TUD-Campus"


def campus_gt_detections(folder: Path, frame_count: int = 71) -> Path:
    """TUD-Campus's ground-truth boxes of its first frame_count frames as a detections file."""
    if not CAMPUS.exists():
        pytest.fail(f"the evaluation data is missing: {CAMPUS}")
    gt = load_mot(CAMPUS / "gt.txt")
    frames = []
    for number in range(1, frame_count + 1):
        boxes = [box for _, box in gt.get(number, [])]
        frames.append({"frameIndex": number, "count": len(boxes), "boxes": [v for box in boxes for v in box],
                       "scores": [0.9] * len(boxes), "keypoints": None, "keypointCount": 0})
    detections = folder / "TUD-Campus.detections.json"
    detections.write_text(json.dumps({"video": str(CAMPUS / "TUD-Campus.mp4"), "fps": 25.0, "width": 640,
                                      "height": 480, "frames": frames}))
    return detections


def replay_eval(detections: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    """tools/replay_eval.py on detections against TUD-Campus's ground truth, --json out; asserts it succeeded."""
    completed = subprocess.run([sys.executable, str(REPO / "tools" / "replay_eval.py"), "--detections", str(detections),
                                "--gt", str(CAMPUS / "gt.txt"), *options, "--json", str(out)],
                               capture_output=True, text=True, cwd=REPO, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed
