"""tools/replay_eval.py --cadence with --offsets: each cadence replayed once per first frame (the
clip trimmed at the start), the means over offsets and each cadence minus 'null' paired by offset.
Detections: the ground-truth boxes of TUD-Campus's first 30 frames, written as a run's detections."""
from __future__ import annotations

import json
import re

import pytest

from tests.tools.replay_cases import campus_gt_detections, replay_eval

FRAMES = 30


def test_cadence_replay_starts_at_each_offset_and_pairs_the_differences(tmp_path):
    out = tmp_path / "replay.json"
    completed = replay_eval(campus_gt_detections(tmp_path, FRAMES), out, "--cadence", "null", "--cadence", "{}",
                            "--offsets", "0,7")
    results = json.loads(out.read_text())
    assert [(r["cadence"], r["offset"]) for r in results] == [(None, 0), (None, 7), ({}, 0), ({}, 7)]
    # Each run sees the clip from its offset on: 30 frames, then 23.
    assert [r["frames"] for r in results] == [FRAMES, FRAMES - 7] * 2
    every0, every7, adaptive0, adaptive7 = results
    assert sum(adaptive7["reasons"].values()) == FRAMES - 7 and adaptive7["reasons"]["start"] == 1
    assert every0["runs_per_frame"] == every7["runs_per_frame"] == 1.0
    assert "mean over 2 offsets, cadence null:" in completed.stdout
    assert "mean over 2 offsets, cadence {}:" in completed.stdout
    # The printed difference is the mean of the per-offset differences, with their spread.
    printed = re.search(r"cadence \{\} minus null over 2 offsets: IDF1 ([-+]\d\.\d{3}) \[([-+]\d\.\d{3}), ([-+]\d\.\d{3})\]",
                        completed.stdout)
    assert printed, completed.stdout
    differences = [adaptive0["mot"]["idf1"] - every0["mot"]["idf1"], adaptive7["mot"]["idf1"] - every7["mot"]["idf1"]]
    assert float(printed[1]) == pytest.approx(sum(differences) / 2, abs=6e-4)
    assert float(printed[2]) == pytest.approx(min(differences), abs=6e-4)
    assert float(printed[3]) == pytest.approx(max(differences), abs=6e-4)
