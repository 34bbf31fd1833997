"""Inputs and outputs of tools/evaluate.py: MOT ground truth and tracks, lines and zones
from the command line or the sequence's reference_counts.json."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

Box = tuple[float, float, float, float]  # x1, y1, x2, y2


def load_mot(path: Path) -> dict[int, list[tuple[int, Box]]]:
    """frame -> [(id, box)] from a MOT file; rows with conf 0 (ignored by MOTChallenge) dropped."""
    frames: dict[int, list[tuple[int, Box]]] = defaultdict(list)
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split(",")
        if len(fields) < 7:
            raise SystemExit(f"{path}:{number}: expected at least 7 comma-separated fields")
        frame, identity = int(float(fields[0])), int(float(fields[1]))
        left, top, width, height, conf = (float(v) for v in fields[2:7])
        if conf == 0:
            continue
        frames[frame].append((identity, (left, top, left + width, top + height)))
    return dict(frames)


def write_mot(path: Path, frames: dict[int, list[dict]]) -> None:
    """Tracks [{id, box, score}] per frame as MOT rows: frame,id,left,top,width,height,conf,-1,-1,-1."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for frame in sorted(frames):
        for track in sorted(frames[frame], key=lambda t: t["id"]):
            x1, y1, x2, y2 = track["box"]
            rows.append(f"{frame},{track['id']},{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f},"
                        f"{track.get('score', 1):.4f},-1,-1,-1")
    path.write_text("\n".join(rows) + "\n")


def _numbers(text: str, what: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise SystemExit(f"{what} must be comma-separated numbers, got {text!r}") from None


def parse_line(text: str, index: int) -> dict:
    values = _numbers(text, "--line")
    if len(values) != 4:
        raise SystemExit(f"--line takes X1,Y1,X2,Y2, got {text!r}")
    if values[0:2] == values[2:4]:
        raise SystemExit(f"--line {text}: zero-length line")
    return {"id": f"line{index + 1}", "a": values[0:2], "b": values[2:4]}


def parse_zone(text: str, index: int) -> dict:
    values = _numbers(text, "--zone")
    if len(values) < 6 or len(values) % 2:
        raise SystemExit(f"--zone takes X1,Y1,X2,Y2,X3,Y3[,...] (3 points or more), got {text!r}")
    return {"id": f"zone{index + 1}", "polygon": [values[i:i + 2] for i in range(0, len(values), 2)]}


def reference_lines(video: Path, width: int, height: int) -> list[dict]:
    """The reference lines in reference_counts.json next to the video (horizontal y = L drawn
    left to right, so "in" = moving down; vertical x = L drawn top to bottom, "in" = moving left)."""
    path = video.parent / "reference_counts.json"
    if not path.exists():
        raise SystemExit(f"no --line given and no {path} with reference lines")
    reference = json.loads(path.read_text())
    if "lines" in reference:  # a generated set (tools/far_view.py) lists its lines
        return [{"id": line["id"], "a": list(line["a"]), "b": list(line["b"])} for line in reference["lines"]]
    lines = []
    if "horizontal_line" in reference:
        y = reference["horizontal_line"]["y"]
        lines.append({"id": "horizontal_line", "a": [0, y], "b": [width, y]})
    if "vertical_line" in reference:
        x = reference["vertical_line"]["x"]
        lines.append({"id": "vertical_line", "a": [x, 0], "b": [x, height]})
    return lines


def reference_zones(video: Path) -> list[dict]:
    """The zones listed in reference_counts.json next to the video (tools/far_view.py: one per
    panel); none for the shared sequences."""
    path = video.parent / "reference_counts.json"
    if not path.exists():
        return []
    zones = json.loads(path.read_text()).get("zones", [])
    return [{"id": zone["id"], "polygon": [list(point) for point in zone["polygon"]]} for zone in zones]
