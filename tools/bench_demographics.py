"""Does the opt-in age/gender estimation slow the live pipeline? The monitor page in Debian's
Chromium counts a fake webcam (shipped face photos sliding across a line, see
tools/eval_demographics.make_faces_clip) in alternating segments with the switch off and on,
in one run on one machine, and prints the frames/s of each, the means and the ratio on/off
(the target: >= 0.80), as a table and one JSON line.

Frames/s is what the user sees: frames through detector + tracker + counting + drawing per
second of wall time. The face work runs in its own worker, a few crops per track.

    nice .venv/bin/python tools/bench_demographics.py [--seconds 30] [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.eval_demographics import make_faces_clip  # noqa: E402
from tools.harness import LiveServer, launch_chromium, make_app, open_page, register_and_login  # noqa: E402



def _draw_line(page) -> None:
    page.click("[data-testid=tool-line]")
    box = page.locator("#overlay-canvas").bounding_box()
    at = lambda x, y: (box["x"] + x / 640 * box["width"], box["y"] + y / 480 * box["height"])  # noqa: E731
    page.mouse.move(*at(320, 20))
    page.mouse.down()
    page.mouse.move(*at(320, 250), steps=4)
    page.mouse.move(*at(320, 470), steps=4)
    page.mouse.up()


def segment(page, switch_on: bool, seconds: float) -> dict:
    """Count for `seconds` with the switch set; frames, wall seconds, frames/s, faces tried."""
    toggle = "[data-testid=demographics-toggle]"
    page.set_checked(toggle, switch_on)
    page.click("[data-testid=start]")
    page.wait_for_function("() => Number(document.getElementById('kpi-people').textContent) > 0",
                           timeout=240_000)
    started = time.perf_counter()
    time.sleep(seconds)
    page.click("[data-testid=stop]")
    elapsed = time.perf_counter() - started
    page.wait_for_selector("[data-testid=summary]:not([hidden])", timeout=240_000)
    frames = int(page.inner_text("[data-stat=frames] strong"))
    speed = page.inner_text("[data-stat=speed] strong")
    faces = page.get_attribute("[data-testid=demographics-card]", "data-faces-tried")
    page.evaluate("() => { document.getElementById('summary-card').hidden = true; }")
    return {"switch": "on" if switch_on else "off", "frames": frames,
            "fps": float(re.match(r"[\d.]+", speed).group()) if re.match(r"[\d.]+", speed) else None,
            "wall_seconds": round(elapsed, 1),
            "faces_tried": int(faces) if switch_on and faces else 0}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="length of each segment")
    parser.add_argument("--rounds", type=int, default=2, help="off/on pairs measured")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, sync_playwright() as playwright:
        clip = make_faces_clip(Path(workdir) / "faces.y4m")
        with LiveServer(make_app(Path(workdir) / "server")) as server:
            browser = launch_chromium(playwright, [
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={clip}"])
            context, page = open_page(browser)
            register_and_login(page, server.url, "bench")
            page.goto(f"{server.url}/monitor")
            page.wait_for_selector("body[data-monitor-ready=yes]")
            page.fill("[data-testid=camera-name]", "bench")
            page.click("[data-testid=open-webcam]")
            page.wait_for_function("() => document.getElementById('stage-placeholder')?.hidden === true")
            _draw_line(page)
            # Warm-up: the detector's and the face models' first runs are not measured.
            segment(page, False, 8)
            segment(page, True, 12)
            results = []
            for _ in range(args.rounds):
                results.append(segment(page, False, args.seconds))
                results.append(segment(page, True, args.seconds))
            detector = page.inner_text("[data-testid=detector-info]")
            browser.close()
    print(f"{'segment':8} {'switch':6} {'frames':>6} {'seconds':>7} {'frames/s':>8} {'faces tried':>11}")
    for index, row in enumerate(results):
        print(f"{index + 1:<8} {row['switch']:6} {row['frames']:>6} {row['wall_seconds']:>7} "
              f"{row['fps']:>8.1f} {row['faces_tried']:>11}")

    def mean(switch: str) -> float:
        rows = [r for r in results if r["switch"] == switch]
        return sum(r["frames"] for r in rows) / sum(r["wall_seconds"] for r in rows)

    off, on = mean("off"), mean("on")
    print(f"switch off: {off:.2f} frames/s   switch on: {on:.2f} frames/s   ratio on/off: "
          f"{on / off:.2f} (target >= 0.80)   [{detector}]")
    print(json.dumps({"fps_off": round(off, 3), "fps_on": round(on, 3),
                      "ratio": round(on / off, 3), "target": 0.8, "segments": results}))


if __name__ == "__main__":
    main()
