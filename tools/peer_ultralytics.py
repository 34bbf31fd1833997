"""The peer for tools/evaluate.py --peer: Ultralytics' own BYTETracker (default
bytetrack.yaml) and its ObjectCounter line rule, fed the detections our browser run produced.

Runs in the export environment (.venv-export: torch + ultralytics), as a subprocess:
    .venv-export/bin/python tools/peer_ultralytics.py IN.json OUT.json
IN:  {"fps", "frames": [{"frameIndex", "boxes": [[x1,y1,x2,y2], ...], "scores": [...]}],
      "lines": [{"id", "a": [x, y], "b": [x, y]}]}
OUT: {"tracker": {...}, "frames": [{"frameIndex", "tracks": [{"id", "box", "score"}]}],
      "lines": {id: {"in", "out", "events": [{"frameIndex", "trackId", "peer_direction",
      "direction"}]}}, "seconds": {"track", "count"}, "ultralytics": version}
"direction" is in our convention ("in" = towards (B-A)x(P-A) > 0); "peer_direction" is
ObjectCounter's own label (in = moving right for a steep line, moving down otherwise).
"""
from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np


class DetectionsView:
    """The slice of ultralytics' Boxes that BYTETracker.update reads: conf, cls, xywh, masks."""

    def __init__(self, xyxy: np.ndarray, conf: np.ndarray) -> None:
        self.xyxy = xyxy.reshape(-1, 4).astype(np.float32)
        self.conf = conf.astype(np.float32)
        self.cls = np.zeros(len(conf), dtype=np.float32)

    @property
    def xywh(self) -> np.ndarray:
        xywh = np.empty_like(self.xyxy)
        xywh[:, 0] = (self.xyxy[:, 0] + self.xyxy[:, 2]) / 2
        xywh[:, 1] = (self.xyxy[:, 1] + self.xyxy[:, 3]) / 2
        xywh[:, 2] = self.xyxy[:, 2] - self.xyxy[:, 0]
        xywh[:, 3] = self.xyxy[:, 3] - self.xyxy[:, 1]
        return xywh

    def __len__(self) -> int:
        return len(self.conf)

    def __getitem__(self, index) -> "DetectionsView":
        return DetectionsView(self.xyxy[index], self.conf[index])


def make_tracker():
    import ultralytics
    import yaml
    from ultralytics.trackers.byte_tracker import BYTETracker
    from ultralytics.utils import IterableSimpleNamespace

    config_path = Path(ultralytics.__file__).parent / "cfg" / "trackers" / "bytetrack.yaml"
    config = yaml.safe_load(config_path.read_text())
    args = IterableSimpleNamespace(**config)
    try:
        return BYTETracker(args=args), config
    except TypeError:
        return BYTETracker(args=args, frame_rate=30), config


def make_line_counter(a, b):
    """Ultralytics' ObjectCounter without its model: only the counting state count_objects uses."""
    from shapely.geometry import LineString, Point, Polygon
    from ultralytics.solutions.object_counter import ObjectCounter

    counter = ObjectCounter.__new__(ObjectCounter)
    counter.LineString, counter.Point, counter.Polygon = LineString, Point, Polygon
    counter.region = [tuple(a), tuple(b)]
    counter.r_s = LineString(counter.region)
    counter.in_count = 0
    counter.out_count = 0
    counter.counted_ids = set()
    counter.classwise_count = defaultdict(lambda: {"IN": 0, "OUT": 0})
    counter.names = {0: "person"}
    counter.track_history = defaultdict(list)
    return counter


def our_direction(a, b, previous, current) -> str:
    """Direction of a movement in our convention: "in" when it heads to (B-A)x(P-A) > 0."""
    cross = (b[0] - a[0]) * (current[1] - previous[1]) - (b[1] - a[1]) * (current[0] - previous[0])
    return "in" if cross > 0 else "out"


def run(payload: dict) -> dict:
    import torch
    import ultralytics

    tracker, config = make_tracker()
    lines = payload.get("lines", [])
    counters = {line["id"]: make_line_counter(line["a"], line["b"]) for line in lines}
    events = {line["id"]: [] for line in lines}
    out_frames = []
    seconds_track = seconds_count = 0.0
    for frame in payload["frames"]:
        boxes = np.asarray(frame["boxes"], dtype=np.float32).reshape(-1, 4)
        scores = np.asarray(frame["scores"], dtype=np.float32)
        started = time.perf_counter()
        rows = tracker.update(DetectionsView(boxes, scores), None)
        tracked = time.perf_counter()
        tracks = [{"id": int(row[4]), "box": [float(v) for v in row[:4]], "score": float(row[5])}
                  for row in rows]
        for line in lines:
            counter = counters[line["id"]]
            for track in tracks:
                counter.store_tracking_history(track["id"], torch.tensor(track["box"]))
                history = counter.track_history[track["id"]]
                previous = history[-2] if len(history) > 1 else None
                before = (counter.in_count, counter.out_count)
                counter.count_objects(history[-1], track["id"], previous, 0)
                if (counter.in_count, counter.out_count) != before:
                    events[line["id"]].append({
                        "frameIndex": frame["frameIndex"], "trackId": track["id"],
                        "peer_direction": "in" if counter.in_count > before[0] else "out",
                        "direction": our_direction(line["a"], line["b"], previous, history[-1]),
                    })
        seconds_count += time.perf_counter() - tracked
        seconds_track += tracked - started
        out_frames.append({"frameIndex": frame["frameIndex"], "tracks": tracks})
    line_results = {}
    for line in lines:
        line_events = events[line["id"]]
        line_results[line["id"]] = {
            "in": sum(e["direction"] == "in" for e in line_events),
            "out": sum(e["direction"] == "out" for e in line_events),
            "events": line_events,
        }
    return {"tracker": config, "frames": out_frames, "lines": line_results,
            "seconds": {"track": seconds_track, "count": seconds_count},
            "ultralytics": ultralytics.__version__}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    payload = json.loads(Path(argv[1]).read_text())
    Path(argv[2]).write_text(json.dumps(run(payload)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
