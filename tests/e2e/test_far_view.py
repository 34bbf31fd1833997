"""Issue 13, end to end: on a distant-camera set made by tools/far_view.py (TUD-Stadtmitte at 0.4
scale in a 3x3 mosaic, people 49-99 px tall in 768x576, 20 frames), tools/evaluate.py
--compare-regions runs the app's pipeline twice in one browser: the whole frame at 416 px barely
sees anyone; the automatic regions (region_plan.js) must find far more people without a
precision collapse, their crops taking turns (fewer than 3 model runs a frame). Behaviour with
generous margins, never timings."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tools.far_view import make_far_view
from tools.harness import REPO, SHARED_DATA

pytestmark = pytest.mark.e2e
SEQUENCE = SHARED_DATA / "TUD-Stadtmitte"


def test_automatic_regions_find_the_distant_people(tmp_path):
    if not SEQUENCE.exists():
        pytest.fail(f"the evaluation data is missing: {SEQUENCE}")
    made = make_far_view(SEQUENCE, tmp_path, length=20)
    assert (made["width"], made["height"]) == (768, 576)
    assert made["person_height"]["max"] < 125
    command = [sys.executable, str(REPO / "tools" / "evaluate.py"), "--video", made["video"], "--gt", made["gt"],
               "--compare-regions", "--json", str(tmp_path / "result.json"),
               "--tracks-out", str(tmp_path / "tracks.txt"), "--quiet"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=1800)
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads((tmp_path / "result.json").read_text())
    whole, auto = result["comparison"]["whole"], result["comparison"]["auto"]
    assert "| detection recall" in completed.stdout and "automatic regions" in completed.stdout
    # The 18 mapped lines and 9 panel zones were scored.
    assert len(result["reports"]["auto"]["ours"]["lines"]) == 18
    assert whole["model_runs_per_frame"] == 1
    assert auto["model_runs_per_frame"] > 1.5, result["comparison"]["auto_plan"]
    # Crops in turn (region_rotation.js, 25 fps): each crop every third frame, the tracker told
    # where the detector looked; far fewer runs than the 6 crops of the plan.
    assert auto["model_runs_per_frame"] < 3, result["comparison"]["auto_plan"]
    assert auto["frames_partly_looked_at"] > 10
    assert whole["recall"] < 0.3, "the whole frame at 416 px should miss most of these people"
    assert auto["recall"] >= whole["recall"] + 0.25, (whole["recall"], auto["recall"])
    assert auto["precision"] >= 0.9, "NMS at 0.5 over the crops' boxes (region_merge.js): no double boxes"
    assert auto["occupancy_mae_zone_mean"] < whole["occupancy_mae_zone_mean"]
    # The per-line crossing table and the detector's stage timings are printed / recorded.
    assert "| line | whole frame F1 | automatic regions F1 |" in completed.stdout
    assert len(result["comparison"]["per_line"]) == 18
    assert result["reports"]["auto"]["regions"]["detector_stage_ms"]["inference"] > 0
