"""tools/line_oracle.py: counting the reference lines with perfect identities. On a made-up clip
(one person walking down over a horizontal line, one walking along it with their feet on the far
side), the ground truth scores 1.0 against itself; detector boxes that match the people but end
higher than the annotated feet lose the crossing; boxes that end where the feet are keep it; a
frame whose person has no detector box is a gap, not a crash."""
from __future__ import annotations

import json

from tools.line_oracle import main

FPS = 25.0
LINE_Y = 200


def person_boxes(frames: int):
    """Person 1 walks down from foot y 170 to 230 (crosses y = 200 around frame 15); person 2
    walks left to right with their feet at y = 205 (on the far side all the time)."""
    for frame in range(1, frames + 1):
        foot_1 = 170 + 60 * (frame - 1) / (frames - 1)
        yield frame, 1, (100.0, foot_1 - 120.0, 140.0, foot_1)
        x = 300 + 4 * frame
        yield frame, 2, (x, 85.0, x + 40.0, 205.0)


def write_clip(folder, frames=30, detector_shift=0.0, drop=()):
    rows, detections = [], {}
    for frame, person, (x1, y1, x2, y2) in person_boxes(frames):
        rows.append(f"{frame},{person},{x1},{y1},{x2 - x1},{y2 - y1},1,-1,-1,-1")
        entry = detections.setdefault(frame, {"frameIndex": frame, "count": 0, "boxes": [], "scores": [],
                                              "classIds": [], "keypoints": [], "keypointCount": 0})
        if (frame, person) in drop:
            continue
        entry["boxes"] += [x1, y1 + detector_shift, x2, y2 + detector_shift]
        entry["scores"].append(0.9)
        entry["classIds"].append(0)
        entry["count"] += 1
    (folder / "gt.txt").write_text("\n".join(rows) + "\n")
    (folder / "reference_counts.json").write_text(json.dumps({"horizontal_line": {"y": LINE_Y}}))
    recording = {"video": str(folder / "clip.mp4"), "fps": FPS, "width": 640, "height": 480,
                 "frames": [detections[frame] for frame in sorted(detections)]}
    (folder / "detections.json").write_text(json.dumps(recording))
    return folder / "detections.json", folder / "gt.txt"


def oracle(capsys, detections, gt) -> dict:
    assert main(["--detections", str(detections), "--gt", str(gt), "--noise", "--seeds", "1"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])["lines"]


def test_the_ground_truth_counts_itself_and_feet_where_annotated_keep_the_crossing(tmp_path, capsys):
    lines = oracle(capsys, *write_clip(tmp_path, detector_shift=1.0))
    truth = lines["ground truth (the reference itself)"]["horizontal_line"]
    assert truth == {"f1_mean": 1.0, "f1_min": 1.0, "reference": 1, "predicted_mean": 1}
    detector = next(figures for name, figures in lines.items() if name.startswith("detector boxes"))
    assert detector["horizontal_line"]["f1_mean"] == 1.0


def test_boxes_ending_above_the_feet_lose_a_crossing_the_feet_made(tmp_path, capsys):
    # the detector's boxes end 40 px higher: person 1's box bottom stops at 190, short of the line
    lines = oracle(capsys, *write_clip(tmp_path, detector_shift=-40.0))
    detector = next(figures for name, figures in lines.items() if name.startswith("detector boxes"))
    assert detector["horizontal_line"]["f1_mean"] == 0.0
    assert detector["horizontal_line"]["reference"] == 1


def test_a_person_without_a_detector_box_on_some_frames_is_a_gap(tmp_path, capsys):
    drop = {(frame, 1) for frame in range(12, 18)}
    lines = oracle(capsys, *write_clip(tmp_path, drop=drop))
    detector = next(figures for name, figures in lines.items() if name.startswith("detector boxes"))
    assert detector["horizontal_line"]["f1_mean"] == 1.0, "seen before and after the line: the crossing is made by the two sightings"
