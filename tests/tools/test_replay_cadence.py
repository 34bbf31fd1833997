"""tools/replay_eval.py --cadence: recorded detections (here the ground-truth boxes of
TUD-Campus, written as a run's detections file) replayed through the FramePipeline with and
without the detector cadence, scored over every frame."""
from __future__ import annotations

import json

from tests.tools.replay_cases import campus_gt_detections, replay_eval


def test_replay_scores_a_cadence_against_every_frame(tmp_path):
    out = tmp_path / "replay.json"
    completed = replay_eval(campus_gt_detections(tmp_path), out, "--cadence", "null", "--cadence", "{}")
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
