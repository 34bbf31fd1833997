"""Drives frontend/templates/lab/pipeline.html in headless Debian Chromium: the app's own
detector and FramePipeline (tracker, counting, alerts: what the monitor runs), fed the frames
ffmpeg decoded, one by one."""
from __future__ import annotations

import base64
import logging
import tempfile
import time
from pathlib import Path

from tools.harness import LiveServer, decode_frames, launch_chromium, make_app, watch_csp


class PipelineSession:
    """with PipelineSession() as session: session.load(...); session.process(...); ..."""

    def __init__(self, timeout_ms: int = 600_000) -> None:
        self.timeout_ms = timeout_ms

    def __enter__(self) -> "PipelineSession":
        from playwright.sync_api import sync_playwright

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log on the console
        self._workdir = tempfile.TemporaryDirectory(prefix="evaluate-")
        self.server = LiveServer(make_app(Path(self._workdir.name))).start()
        self._playwright_context = sync_playwright()
        playwright = self._playwright_context.__enter__()
        self.browser = launch_chromium(playwright)
        self.page = self.browser.new_page()
        self.csp_violations = watch_csp(self.page.context)
        self.page.set_default_timeout(self.timeout_ms)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        response = self.page.goto(f"{self.server.url}/lab/pipeline")
        if response is None or not response.ok:
            raise SystemExit(f"/lab/pipeline did not load (HTTP {response.status if response else '?'})")
        self.page.wait_for_function("() => window.pipelineLab !== undefined")
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.browser.close()
        finally:
            self._playwright_context.__exit__(*exc)
            self.server.stop()
            self._workdir.cleanup()

    def load(self, options: dict) -> dict:
        try:
            loaded = self.page.evaluate("options => window.pipelineLab.load(options)", options)
        except Exception as error:  # the page's message is the useful part
            raise SystemExit(f"the pipeline did not load: {error}\n" + "\n".join(self.console[-10:])) from None
        if self.csp_violations:
            raise SystemExit("the page broke its Content-Security-Policy:\n" + "\n".join(self.csp_violations))
        return loaded

    def run_video(self, video: Path, fps: float, on_frame=None, every: int = 1) -> list[dict]:
        """Every `every`-th decoded frame (1, 1 + every, ...) through the detector and the
        FramePipeline, each with its own frame index and time in the video; results per frame run."""
        results = []

        def run(number: int, rgba, final: bool) -> None:
            result = self._process(number, rgba, fps, final=final)
            results.append(result)
            if on_frame:
                on_frame(number, result)

        # Each frame is sent once the next one to send is known, so that the last one sent is
        # marked as the video's end (final): the detector cadence always runs on it.
        held = None
        for number, rgba in enumerate(decode_frames(video), start=1):
            if (number - 1) % every:
                continue
            if held:
                run(*held, final=False)
            held = (number, rgba)
        if held:
            run(*held, final=True)
        return results

    def _process(self, number: int, rgba, fps: float, final: bool = False) -> dict:
        """Frame `number` (1-based) of the video through the lab, with its own time in the video
        (`final`: it is the video's last frame)."""
        height, width = rgba.shape[:2]
        frame = {"frameIndex": number, "timestamp": (number - 1) / fps, "width": width, "height": height,
                 "pixels": base64.b64encode(rgba.tobytes()).decode("ascii"), "final": final}
        return self.page.evaluate("frame => window.pipelineLab.processFrame(frame)", frame)

    def run_live(self, video: Path, fps: float, on_frame=None) -> tuple[list[dict], float]:
        """The video in real time: each detector run takes the frame the video is at when the
        previous run is done (as the monitor does); returns the results and the seconds taken."""
        frames = list(decode_frames(video))
        height, width = frames[0].shape[:2]
        # The first run compiles the model (seconds): done before the clock starts.
        self.page.evaluate("frame => window.pipelineLab.warmUp(frame)", {
            "width": width, "height": height, "pixels": base64.b64encode(frames[0].tobytes()).decode("ascii")})
        results = []
        started = time.monotonic()
        while True:
            number = int((time.monotonic() - started) * fps) + 1
            if number > len(frames):
                break
            rgba = frames[number - 1]
            result = self._process(number, rgba, fps, final=number == len(frames))
            results.append(result)
            if on_frame:
                on_frame(number, result)
        return results, time.monotonic() - started

    def finish(self) -> dict:
        """End of the video: pending crossings final, open alerts ended (FramePipeline.flush)."""
        return self.page.evaluate("() => window.pipelineLab.finish()")

    def count_tracks(self, frames: list[dict], counting: dict) -> dict:
        """Count given tracks [{frameIndex, timestamp, tracks: [{id, box}]}] with the same engine."""
        return self.page.evaluate("([frames, counting]) => window.pipelineLab.countTracks(frames, counting)",
                                  [frames, counting])
