"""Detector time per frame and the live pipeline's frame rate, with and without the detector
cadence, each compared in one run on this machine.

1. Detector time per frame (the lab page /lab/pipeline, the app's detector and FramePipeline):
   the video's frames, every one, go in turn to three pages of one Chromium: onnxruntime-web on
   every frame (the app before issue 18), LiteRT.js on every frame, and LiteRT.js with the
   FramePipeline's detector cadence. Detector ms per frame = all detector time / frames
   (a skipped frame costs none); the ratio to onnxruntime-web's every-frame time is printed.
2. Live (the monitor page, what a user runs): Chromium's fake camera plays the video at its own
   rate (25 frames/s, looped) with the sequence's reference lines saved for the camera; the
   monitor counts for --seconds with the cadence off, then on, --rounds times in turn; frames/s
   and detector runs/s come from the page's own counters (grab + detect + track + count +
   draw: everything the monitor does with a frame).

    .venv/bin/python tools/bench_live.py [--video V.mp4] [--frames N] [--seconds 20] [--rounds 2]
        [--skip-detector-time] [--skip-live] [--json OUT]

Prints two tables and, last, one JSON line with every figure.
"""
from __future__ import annotations

import argparse
import base64
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.eval_data import reference_lines  # noqa: E402
from tools.eval_report import emit_json_line  # noqa: E402
from tools.harness import (SHARED_DATA, LiveServer, decode_frames, launch_chromium, make_app,  # noqa: E402
                           open_page, probe_video, register_and_login)

DEFAULT_VIDEO = SHARED_DATA / "TUD-Stadtmitte" / "TUD-Stadtmitte.mp4"
CONFIGS = (  # name, detector options, cadence
    ("onnxruntime-web, every frame", {"runtime": "ort", "backends": ["wasm"]}, None),
    ("LiteRT.js, every frame", {"runtime": "litert"}, None),
    ("LiteRT.js, cadence", {"runtime": "litert"}, {}),
)
RATES = "document.querySelector('[data-testid=pipeline-rates]').dataset"


def detector_time(browser, server_url: str, video: Path, limit: int | None, lines: list[dict]) -> list[dict]:
    """Every frame to each configuration in turn; detector ms and runs per frame of each."""
    pages = []
    for name, detector, cadence in CONFIGS:
        context, page = open_page(browser)
        page.goto(f"{server_url}/lab/pipeline")
        page.wait_for_function("() => window.pipelineLab !== undefined")
        loaded = page.evaluate("options => window.pipelineLab.load(options)",
                               {"detector": detector, "counting": {"lines": lines}, "cadence": cadence})
        pages.append({"name": name, "page": page, "context": context, "backend": loaded["backend"],
                      "detect": [], "runs": 0, "cadence": cadence})
    frames = list(decode_frames(video, limit))
    height, width = frames[0].shape[:2]
    first = {"width": width, "height": height, "pixels": base64.b64encode(frames[0].tobytes()).decode("ascii")}
    for entry in pages:  # the first run compiles the model: not timed
        entry["page"].evaluate("frame => window.pipelineLab.warmUp(frame)", first)
    fps = probe_video(video).fps
    for number, rgba in enumerate(frames, start=1):
        frame = {"frameIndex": number, "timestamp": (number - 1) / fps, "width": width, "height": height,
                 "pixels": base64.b64encode(rgba.tobytes()).decode("ascii"),
                 "final": number == len(frames)}  # the run's last frame, as tools/evaluate.py marks it
        for entry in pages:
            result = entry["page"].evaluate("frame => window.pipelineLab.processFrame(frame)", frame)
            entry["detect"].append(result["timings"]["detect"])
            entry["runs"] += 1 if result["detected"] else 0
        if number % 25 == 0:
            print(f"  detector time: frame {number}/{len(frames)}", file=sys.stderr, flush=True)
    figures = []
    for entry in pages:
        runs = [ms for ms in entry["detect"] if ms > 0]
        figures.append({"name": entry["name"], "backend": entry["backend"], "frames": len(frames),
                        "detector_runs": entry["runs"], "runs_per_frame": entry["runs"] / len(frames),
                        "ms_per_run_median": statistics.median(runs) if runs else 0.0,
                        "detector_ms_per_frame": sum(entry["detect"]) / len(frames)})
        entry["context"].close()
    baseline = figures[0]["detector_ms_per_frame"]
    for entry in figures:
        entry["vs_ort_web_every_frame"] = entry["detector_ms_per_frame"] / baseline if baseline else None
    return figures


def save_lines(page, lines: list[dict], width: int, height: int, camera_key: str) -> None:
    """The reference lines as the camera's zones, through the JSON API (as the page saves them)."""
    for line in lines:
        body = {"name": line["id"], "kind": "line", "camera_key": camera_key, "video_id": None,
                "frame_width": width, "frame_height": height, "color": "#f59e0b", "threshold": None,
                "hold_seconds": 0, "geometry": {"points": [line["a"], line["b"]], "flipped": False}}
        status = page.evaluate("""body => fetch('/api/zones', { method: 'POST', headers: {
            'Content-Type': 'application/json',
            'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content },
            body: JSON.stringify(body) }).then((response) => response.status)""", body)
        if status != 201:
            raise SystemExit(f"saving the line {line['id']} failed: HTTP {status}")


def live(browser, server_url: str, lines: list[dict], width: int, height: int, seconds: float, rounds: int) -> list[dict]:
    """The monitor counting the fake camera, cadence off then on, `rounds` times."""
    context, page = open_page(browser)
    register_and_login(page, server_url, "bench")
    page.goto(f"{server_url}/monitor")
    page.wait_for_selector("body[data-monitor-ready=yes]")
    save_lines(page, lines, width, height, "bench")
    page.fill("[data-testid=camera-name]", "bench")
    page.click("[data-testid=open-webcam]")
    page.wait_for_function("() => document.getElementById('status-area').textContent.includes('saved zones loaded')")
    results = []
    for round_number in range(rounds):
        for cadence in (False, True):
            page.set_checked("[data-testid=cadence-toggle]", cadence)
            page.click("[data-testid=start]")
            # Warm-up: the detector compiled and 25 frames through the pipeline.
            page.wait_for_function(f"() => Number({RATES}.frames || 0) >= 25")
            start = page.evaluate(f"() => [performance.now(), Number({RATES}.frames), Number({RATES}.detectorRuns)]")
            time.sleep(seconds)
            end = page.evaluate(f"() => [performance.now(), Number({RATES}.frames), Number({RATES}.detectorRuns)]")
            page.click("[data-testid=stop]")
            page.wait_for_selector("[data-testid=summary]:not([hidden])")
            elapsed = (end[0] - start[0]) / 1000
            results.append({"round": round_number + 1, "cadence": cadence, "seconds": elapsed,
                            "frames_per_second": (end[1] - start[1]) / elapsed,
                            "detector_runs_per_second": (end[2] - start[2]) / elapsed,
                            "detector_info": page.inner_text("[data-testid=detector-info]")})
            print(f"  live round {round_number + 1}, cadence {'on' if cadence else 'off'}: "
                  f"{results[-1]['frames_per_second']:.1f} frames/s", file=sys.stderr, flush=True)
    context.close()
    return results


def summarise_live(results: list[dict]) -> dict:
    summary = {}
    for cadence in (False, True):
        chosen = [r for r in results if r["cadence"] is cadence]
        summary["on" if cadence else "off"] = {
            "frames_per_second": statistics.mean(r["frames_per_second"] for r in chosen),
            "detector_runs_per_second": statistics.mean(r["detector_runs_per_second"] for r in chosen)}
    summary["frames_per_second_ratio"] = summary["on"]["frames_per_second"] / summary["off"]["frames_per_second"]
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--video", type=Path, default=DEFAULT_VIDEO, help="a sequence with reference_counts.json beside it")
    parser.add_argument("--frames", type=int, default=None, help="detector time: the first N frames only")
    parser.add_argument("--seconds", type=float, default=20.0, help="live: seconds measured per setting and round")
    parser.add_argument("--rounds", type=int, default=2, help="live: cadence off then on, this many times")
    parser.add_argument("--skip-detector-time", action="store_true")
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not args.video.exists():
        raise SystemExit(f"no video at {args.video}")
    if args.seconds <= 0 or args.rounds < 1 or (args.frames is not None and args.frames < 2):
        raise SystemExit("--seconds must be > 0, --rounds >= 1, --frames >= 2")
    info = probe_video(args.video)
    lines = reference_lines(args.video, info.width, info.height)
    report = {"video": args.video.name, "video_fps": info.fps, "lines": lines}
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="bench-live-") as folder, sync_playwright() as playwright:
        server = LiveServer(make_app(Path(folder) / "app")).start()
        try:
            if not args.skip_detector_time:
                browser = launch_chromium(playwright)
                try:
                    report["detector_time"] = detector_time(browser, server.url, args.video, args.frames, lines)
                finally:
                    browser.close()
            if not args.skip_live:
                clip = Path(folder) / "clip.y4m"
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(args.video), "-pix_fmt", "yuv420p", str(clip)],
                               check=True)
                browser = launch_chromium(playwright, ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                                                       f"--use-file-for-fake-video-capture={clip}"])
                try:
                    results = live(browser, server.url, lines, info.width, info.height, args.seconds, args.rounds)
                finally:
                    browser.close()
                report["live"] = {"rounds": results, **summarise_live(results)}
        finally:
            server.stop()
    print_report(report)
    emit_json_line(report, args.json)
    return 0


def print_report(report: dict) -> None:
    if "detector_time" in report:
        print(f"Detector time per frame, {report['video']} ({report['detector_time'][0]['frames']} frames, "
              f"each to every configuration in turn):")
        print("| configuration | backend | runs/frame | ms per run (median) | detector ms/frame | vs onnxruntime-web every frame |")
        print("| --- | --- | --- | --- | --- | --- |")
        for entry in report["detector_time"]:
            print(f"| {entry['name']} | {entry['backend']} | {entry['runs_per_frame']:.3f} | {entry['ms_per_run_median']:.1f} "
                  f"| {entry['detector_ms_per_frame']:.1f} | {entry['vs_ort_web_every_frame']:.2f}x |")
    if "live" in report:
        live_report = report["live"]
        print(f"Live monitor, fake camera at {report['video_fps']:.0f} frames/s ({report['video']}, looped):")
        print("| round | cadence | frames/s | detector runs/s |")
        print("| --- | --- | --- | --- |")
        for entry in live_report["rounds"]:
            print(f"| {entry['round']} | {'on' if entry['cadence'] else 'off'} | {entry['frames_per_second']:.1f} "
                  f"| {entry['detector_runs_per_second']:.1f} |")
        print(f"mean: off {live_report['off']['frames_per_second']:.1f} frames/s, on {live_report['on']['frames_per_second']:.1f} "
              f"frames/s ({live_report['frames_per_second_ratio']:.2f}x)")


if __name__ == "__main__":
    sys.exit(main())
