"""Do two frontend/js folders replay recorded detections identically?

For a change meant to move no figure (a refactor, a shortcut that skips work): replays the
detections that tools/evaluate.py saved through tools/replay_tracks.mjs with the old and the new
folder, for every run tools/replay_eval.py makes (every K-th frame, K = 1, 3, 6, 12, from each first
frame below K; the cadence replay, null and {}, from first frames 1-12; simulated live runs, 2 runs/s
jitter 0.5 and 1.9 runs/s jitter 0.05, seeds 1-6, 7 passes), and compares each pair's whole output:
the tracks of every frame, the events, the final counts and the reference, numbers as written (full
precision), all but the folder's name and the wall-clock milliseconds. Prints a line for each run
that differs (and the first key that does), then the count; exits 1 when any differs.

    .venv/bin/python tools/replay_identical.py --old DIR --new frontend/js --detections D.json --gt gt.txt
        [--quick]   (K = 1, 3, 6, 12 from the first frame only, one cadence run each, one live seed)

DIR: an old frontend/js, e.g. `git archive <commit> frontend/js | tar -x -C /tmp/old` and then
/tmp/old/frontend/js. A refactor's proof is `0 differ`; that the runs can tell is for the caller to
check once (e.g. a copy of the new folder with the rule changed must differ somewhere).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# What may differ between two replays of the same code: where it came from and how long it took.
IGNORED = ("modules", "milliseconds")


def runs(quick: bool) -> list[tuple[str, list[str]]]:
    """(name, replay_tracks.mjs arguments) of every run compared."""
    chosen = []
    for every in (1, 3, 6, 12):
        for offset in range(1 if quick else every):
            chosen.append((f"K={every} +{offset}", ["--every", str(every), "--offset", str(offset)]))
    for offset in range(1 if quick else 12):
        chosen.append((f"cadence null +{offset}", ["--every", "1", "--offset", str(offset)]))
        chosen.append((f"cadence {{}} +{offset}", ["--cadence", "{}", "--offset", str(offset)]))
    for seed in range(1, 2 if quick else 7):
        for rate, jitter in (("2", "0.5"), ("1.9", "0.05")):
            chosen.append((f"live {rate}/s j{jitter} seed {seed}", ["--live", rate, "--jitter", jitter, "--passes", "7",
                                                                  "--frame-index", "consecutive", "--seed", str(seed)]))
    return chosen


def replay(modules: str, detections: str, gt: str, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="replay-identical-") as folder:
        out = Path(folder) / "replay.json"
        subprocess.run(["node", str(REPO / "tools" / "replay_tracks.mjs"), "--detections", detections, "--gt", gt,
                        "--modules", modules, "--out", str(out), *extra], check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())


def first_difference(old: dict, new: dict) -> str | None:
    """The first top-level key (IGNORED aside) whose value differs, or None when the replays are the same."""
    for key in sorted(set(old) | set(new)):
        if key in IGNORED:
            continue
        if json.dumps(old.get(key), sort_keys=True) != json.dumps(new.get(key), sort_keys=True):
            return key
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", required=True, help="the old frontend/js folder")
    parser.add_argument("--new", default=str(REPO / "frontend" / "js"), help="the new frontend/js folder")
    parser.add_argument("--detections", required=True)
    parser.add_argument("--gt", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    differ = 0
    chosen = runs(args.quick)
    for name, extra in chosen:
        key = first_difference(replay(args.old, args.detections, args.gt, extra),
                               replay(args.new, args.detections, args.gt, extra))
        if key is not None:
            differ += 1
            print(f"{name}: differs ({key})", flush=True)
    print(f"{Path(args.detections).name}: {len(chosen) - differ} of {len(chosen)} runs identical, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
