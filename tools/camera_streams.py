"""Real camera streams without hardware, for tests and tools/camera_bench.py: a shared
sequence served on 127.0.0.1 as RTSP (GStreamer's RTSP server, tools/rtsp_test_server.py:
ffmpeg's `-rtsp_flags listen` only receives) and as HTTP MJPEG (ffmpeg's mpjpeg muxer with
`-listen 1`), plus a small HTTP server answering the ways a wrong camera URL fails."""
from __future__ import annotations

import http.server
import socket
import subprocess
import threading
import time
from pathlib import Path

from tools.harness import REPO, SHARED_DATA

CLIP = SHARED_DATA / "TUD-Stadtmitte" / "TUD-Stadtmitte.mp4"
SYSTEM_PYTHON = "/usr/bin/python3"  # GStreamer's Python bindings are a Debian package


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def extract_frames(target: Path, clip: Path = CLIP) -> Path:
    """The clip as baseline JPEG frames with standard Huffman tables (what RTP/JPEG carries)."""
    target.mkdir(parents=True, exist_ok=True)
    if not any(target.glob("*.jpg")):
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-pix_fmt", "yuvj420p",
                        "-huffman", "default", "-q:v", "4", str(target / "%05d.jpg")], check=True)
    return target


class RtspServer:
    """GStreamer RTSP server on 127.0.0.1 (stop() and start() again on the same port)."""

    def __init__(self, frames: Path, *, port: int | None = None, user: str | None = None,
                 password: str | None = None, fps: int = 25) -> None:
        self.frames = frames
        self.port = port or free_port()
        self.user = user
        self.password = password
        self.fps = fps
        self.process: subprocess.Popen | None = None

    def url(self, user: str | None = None, password: str | None = None, path: str = "cam") -> str:
        from urllib.parse import quote

        user = self.user if user is None else user
        password = self.password if password is None else password
        auth = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
        return f"rtsp://{auth}127.0.0.1:{self.port}/{path}"

    def start(self) -> "RtspServer":
        command = [SYSTEM_PYTHON, str(REPO / "tools" / "rtsp_test_server.py"), "--port",
                   str(self.port), "--frames", str(self.frames), "--fps", str(self.fps)]
        if self.user:
            command += ["--user", self.user, "--password", self.password]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        line = self.process.stdout.readline()
        if not line.startswith("READY"):
            self.stop()
            raise RuntimeError("the RTSP test server did not start (needs Debian's "
                               "gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good, "
                               "python3-gi: tools/setup/system_deps.sh)")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def __enter__(self) -> "RtspServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class MjpegServer:
    """ffmpeg serving the clip (looped, at its own rate) as multipart HTTP MJPEG to one
    client at a time (`-listen 1`: it is started again after each client)."""

    def __init__(self, clip: Path = CLIP, *, port: int | None = None) -> None:
        self.clip = clip
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/cam.mjpg"
        self.process: subprocess.Popen | None = None
        self.running = False
        self.thread: threading.Thread | None = None

    def _serve(self) -> None:
        while self.running:
            self.process = subprocess.Popen(
                ["ffmpeg", "-v", "error", "-re", "-stream_loop", "-1", "-i", str(self.clip), "-an",
                 "-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "-listen", "1", self.url],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.process.wait()

    def start(self) -> "MjpegServer":
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # the probe connection was its one client: it serves the next one after restarting
        time.sleep(0.2)
        return self

    def stop(self) -> None:
        self.running = False
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.thread is not None:
            self.thread.join(timeout=10)

    def __enter__(self) -> "MjpegServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _WrongCameraHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path.startswith("/private"):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="camera"')
            self.end_headers()
        elif self.path.startswith("/html"):
            body = b"<html><body>This is a web page, not a camera.</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/to-file"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args) -> None:
        pass


class WrongCameraServer:
    """HTTP on 127.0.0.1: /private (401), /html (a web page), /to-file (302 to file:),
    anything else 404."""

    def __init__(self) -> None:
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _WrongCameraHandler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "WrongCameraServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
