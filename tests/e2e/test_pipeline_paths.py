"""The app's path and the evaluator's path give identical events, in Debian's Chromium: the
shared footage's ground-truth boxes, recorded as detections the way tools/evaluate.py records
them, go through the monitor's CountingRunner (with the FramePipeline the monitor builds from
its editor zones) and through /lab/pipeline (what tools/evaluate.py drives). No model needed."""
from __future__ import annotations

import configparser

import pytest

from tools.eval_data import load_mot
from tools.harness import SHARED_DATA

pytestmark = pytest.mark.e2e

# Editor zones as the monitor holds them after loading saved zones: a line, a band, a zone.
ZONES = [
    {"localId": 1, "serverId": 1, "kind": "line", "name": "Door", "points": [[276, 0], [276, 480]], "color": "#0f766e"},
    {"localId": 2, "serverId": 2, "kind": "band", "name": "Kerb", "points": [[0, 422], [640, 422]], "color": "#2563eb",
     "width": 30, "flipped": True},
    {"localId": 3, "serverId": 3, "kind": "polygon", "name": "Left", "points": [[0, 0], [320, 0], [320, 480], [0, 480]],
     "color": "#c2410c", "threshold": 2, "holdSeconds": 0.4},
]

LAB_PATH = """([frames, zones]) => (async () => {
    const { makeZone } = await import('/static/js/editor/zone_model.js');
    const { countingOptionsFor } = await import('/static/js/pipeline/zone_counting.js');
    window.pipelineLab.start({ counting: countingOptionsFor(zones.map(makeZone)) });
    const perFrame = frames.map((frame) => {
        const answer = window.pipelineLab.processDetections(frame);
        return { tracks: answer.tracks, lines: answer.lines, zones: answer.zones, events: answer.events };
    });
    return { perFrame, final: window.pipelineLab.finish() };
})()"""

APP_PATH = """([frames, zones]) => (async () => {
    const { makeZone } = await import('/static/js/editor/zone_model.js');
    const { countingOptionsFor } = await import('/static/js/pipeline/zone_counting.js');
    const { FramePipeline } = await import('/static/js/pipeline/frame_pipeline.js');
    const { CountingRunner } = await import('/static/js/monitor/counting_runner.js');
    const { detectionsFromPlain, plainTracks } = await import('/static/js/lab/plain.js');
    const { width, height } = frames[0];
    let current = null;
    const observed = [];
    const session = { observe: (result) => observed.push(result), stop: async () => {} };
    const runner = new CountingRunner({
        pipeline: new FramePipeline({ counting: countingOptionsFor(zones.map(makeZone)),
                                      heatmap: { width, height, cellSize: 16 }, heatmapDecayPerSecond: 0.02 }),
        detector: { detect: async (picture) => detectionsFromPlain(picture) },
        session, grab: () => current.detections, frameSize: { width, height },
    });
    const perFrame = [];
    for (const frame of frames) {
        current = frame;
        const output = await runner.step({ frameIndex: frame.frameIndex, timestamp: frame.timestamp });
        perFrame.push({ tracks: plainTracks(output), lines: output.result.lines, zones: output.result.zones,
                        events: output.result.events });
    }
    const final = await runner.finish({ completed: true, frames: frames.length, seconds: 0 });
    return { perFrame, final, observed: observed.length };
})()"""


def recorded_frames(sequence: str) -> list[dict]:
    """The ground truth of a shared sequence as per-frame detections (plain JSON, as recorded)."""
    folder = SHARED_DATA / sequence
    if not folder.exists():
        pytest.fail(f"the evaluation data is missing: {folder}")
    info = configparser.ConfigParser()
    info.read(folder / "seqinfo.ini")
    fps, width, height = (float(info["Sequence"]["frameRate"]), int(info["Sequence"]["imWidth"]),
                          int(info["Sequence"]["imHeight"]))
    truth = load_mot(folder / "gt.txt")
    frames = []
    for number in range(1, int(info["Sequence"]["seqLength"]) + 1):
        boxes = [box for _, box in truth.get(number, [])]
        frames.append({"frameIndex": number, "timestamp": (number - 1) / fps, "width": width, "height": height,
                       "detections": {"count": len(boxes), "boxes": [v for box in boxes for v in box],
                                      "scores": [0.5 + (i * 37 % 50) / 100 for i in range(len(boxes))],
                                      "classIds": [0] * len(boxes), "keypoints": None, "keypointCount": 0}})
    return frames


@pytest.mark.parametrize("sequence", ["TUD-Campus", "TUD-Stadtmitte"])
def test_monitor_runner_and_lab_give_identical_events(page, live_server, sequence):
    frames = recorded_frames(sequence)
    page.goto(f"{live_server.url}/lab/pipeline")
    page.wait_for_function("() => window.pipelineLab !== undefined")
    lab = page.evaluate(LAB_PATH, [frames, ZONES])
    app = page.evaluate(APP_PATH, [frames, ZONES])
    assert app["observed"] == len(frames), "the session saw every frame"
    assert len(app["perFrame"]) == len(lab["perFrame"]) == len(frames)
    for number, (ours, theirs) in enumerate(zip(app["perFrame"], lab["perFrame"]), start=1):
        assert ours == theirs, f"frame {number}"
    assert app["final"] == lab["final"]
    events = [event for frame in app["perFrame"] for event in frame["events"]] + app["final"]["events"]
    assert any(event["type"] in ("in", "out") for event in events), "crossings to compare"
    assert any(event["type"] == "alert_start" for event in events), "alerts to compare"
    assert sorted(app["final"]["lines"]) == ["zone-1", "zone-2"]
    assert page.inner_text("#lab-frames") == str(len(frames))
