"""Runs tools/peer_ultralytics.py in the export environment on the detections of our run."""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from tools.harness import REPO

CANDIDATES = (REPO / ".venv-export" / "bin" / "python", Path("/tmp/probe-export/bin/python"))


def peer_python(explicit: Path | None) -> Path:
    for candidate in ([explicit] if explicit else CANDIDATES):
        if candidate and candidate.exists():
            return candidate
    raise SystemExit("--peer needs Ultralytics: no .venv-export/bin/python (run `make .stamps/export-venv`)")


def run_peer(results: list[dict], lines: list[dict], fps: float, python: Path | None = None) -> dict:
    """Ultralytics' BYTETracker + ObjectCounter on exactly the detections our detector produced."""
    payload = {
        "fps": fps,
        "frames": [{"frameIndex": r["frameIndex"],
                    "boxes": [r["detections"]["boxes"][i * 4:i * 4 + 4] for i in range(r["detections"]["count"])],
                    "scores": r["detections"]["scores"]} for r in results],
        "lines": [{"id": line["id"], "a": line["a"], "b": line["b"]} for line in lines],
    }
    with tempfile.TemporaryDirectory(prefix="peer-") as folder:
        source, target = Path(folder) / "detections.json", Path(folder) / "tracks.json"
        source.write_text(json.dumps(payload))
        completed = subprocess.run([str(peer_python(python)), str(REPO / "tools" / "peer_ultralytics.py"),
                                    str(source), str(target)], capture_output=True, text=True, cwd=REPO,
                                   env={"YOLO_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())})
        if completed.returncode != 0 or not target.exists():
            raise SystemExit(f"the peer run failed:\n{completed.stderr[-3000:]}")
        return json.loads(target.read_text())
