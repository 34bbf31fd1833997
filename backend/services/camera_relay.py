"""The camera relay: one ffmpeg reader per IP camera, however many viewers, serving its
pictures same-origin as JPEG frames (multipart/x-mixed-replace, which the page reads with
fetch and paints into a canvas: nothing cross-origin, nothing tainted, no CSP exception).

A reader starts when the first viewer subscribes and stops `idle_seconds` after the last
one left. When the camera drops (ffmpeg exits, or no picture for `stall_seconds`) the reader
records an outage (camera_outages), and starts ffmpeg again with a growing pause (1, 2, 4,
... up to `max_backoff_seconds`) while anyone watches; the outage ends with the next
picture. ffmpeg's stderr (which quotes the URL) is read only to classify the error into one
of camera_urls.ERRORS; it is never logged or shown.

Per process: under several worker processes each has its own readers (docs/cameras.md)."""
from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from . import camera_urls
from .http_guard import HttpGuard
from .rtsp_guard import RtspGuard

log = logging.getLogger(__name__)
JPEG_START = b"\xff\xd8"
JPEG_END = b"\xff\xd9"
MAX_FRAME_BYTES = 8 * 1024 * 1024


@dataclass
class RelaySettings:
    ffmpeg: str = "ffmpeg"
    open_timeout_seconds: float = 10.0   # how long a viewer waits for the first picture
    io_timeout_seconds: float = 5.0      # ffmpeg's socket timeout
    stall_seconds: float = 8.0           # no picture this long while running: an outage
    idle_seconds: float = 5.0            # the reader stops this long after the last viewer
    max_backoff_seconds: float = 30.0
    max_fps: float = 10.0
    max_width: int = 1280
    allow_private: bool = True           # CAMERA_ALLOW_PRIVATE: LAN and loopback cameras


@dataclass
class Frame:
    seq: int
    jpeg: bytes
    at: float


@dataclass
class ReaderStats:
    starts: int = 0
    failures: int = 0
    frames: int = 0
    bytes: int = 0
    last_error: str | None = None
    history: deque = field(default_factory=lambda: deque(maxlen=20))


class OutageLog:
    """Where outages are written: callbacks (the app writes rows; tests can watch)."""

    def __init__(self, on_start: Callable[[int, str], None] = lambda *_: None,
                 on_end: Callable[[int], None] = lambda *_: None) -> None:
        self.on_start = on_start
        self.on_end = on_end


def split_jpegs(buffer: bytearray) -> list[bytes]:
    """Complete JPEGs at the front of buffer (removed from it); ffmpeg's mjpeg muxer writes
    them back to back, and entropy-coded data never contains FFD9 (0xFF is stuffed)."""
    frames = []
    while True:
        start = buffer.find(JPEG_START)
        if start < 0:
            del buffer[:max(0, len(buffer) - 1)]
            return frames
        end = buffer.find(JPEG_END, start + 2)
        if end < 0:
            if start:
                del buffer[:start]
            if len(buffer) > MAX_FRAME_BYTES:
                buffer.clear()
            return frames
        frames.append(bytes(buffer[start:end + 2]))
        del buffer[:end + 2]


def ffmpeg_env() -> dict[str, str]:
    """The server's environment without proxy settings: ffmpeg takes `http_proxy` (for
    http:// and https://, unless `no_proxy` names the host) from its environment, which would
    send a camera's requests, credentials included, to that proxy and past the checks here."""
    return {name: value for name, value in os.environ.items()
            if not name.lower().endswith("_proxy")}


class CameraReader:
    """One camera's ffmpeg, its newest picture, its viewers and its state."""

    def __init__(self, camera_id: int, url_source: Callable[[], str], kind: str,
                 settings: RelaySettings, outages: OutageLog,
                 on_stopped: Callable[["CameraReader", bool], bool]) -> None:
        self.camera_id = camera_id
        self.url_source = url_source
        self.kind = kind
        self.settings = settings
        self.outages = outages
        self.on_stopped = on_stopped
        self.condition = threading.Condition()
        self.frame: Frame | None = None
        self.viewers = 0
        self.idle_since: float | None = None
        self.state = "starting"          # starting | online | reconnecting | stopped
        self.error: str | None = None    # the last error code (camera_urls.ERRORS)
        self.stats = ReaderStats()
        self.process: subprocess.Popen | None = None
        self.outage_open = False
        self.failed_at: float | None = None
        self.stopping = False
        self.owner: int | None = None
        self.thread = threading.Thread(target=self._run, name=f"camera-{camera_id}",
                                       daemon=True)

    # ----- viewers -----
    def join(self) -> None:
        with self.condition:
            self.viewers += 1
            self.idle_since = None

    def leave(self) -> None:
        with self.condition:
            self.viewers -= 1
            if self.viewers <= 0:
                self.viewers = 0
                self.idle_since = time.monotonic()
            self.condition.notify_all()

    def wait_frame(self, after_seq: int, timeout: float) -> Frame | None:
        """The first picture newer than after_seq, or None after timeout / when stopped."""
        started = time.monotonic()
        deadline = started + timeout
        with self.condition:
            while not self.stopping:
                if self.frame is not None and self.frame.seq > after_seq \
                        and (after_seq or self.state == "online"):
                    return self.frame
                if after_seq and self.state == "reconnecting":
                    return None  # the camera dropped: viewers reconnect
                if not after_seq and self.failed_at is not None and self.failed_at >= started:
                    return None  # this attempt failed: self.error says why
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.condition.wait(remaining)
        return None

    def snapshot(self) -> dict:
        with self.condition:
            return {"state": self.state, "error": self.error, "viewers": self.viewers,
                    "starts": self.stats.starts, "failures": self.stats.failures,
                    "frames": self.stats.frames}

    # ----- the reader thread -----
    def _idle_expired(self) -> bool:
        with self.condition:
            return (self.viewers == 0 and self.idle_since is not None
                    and time.monotonic() - self.idle_since >= self.settings.idle_seconds)

    def _run(self) -> None:
        backoff = 1.0
        try:
            while not self.stopping:
                if self._idle_expired():
                    # the relay decides under its lock, so a viewer arriving now either
                    # keeps this reader going or gets a new one, never a reader that is ending
                    if self.on_stopped(self, False):
                        break
                    continue
                produced = self._read_once()
                if self.stopping or self._idle_expired():
                    continue
                backoff = 1.0 if produced else min(backoff * 2, self.settings.max_backoff_seconds)
                self._set_state("reconnecting")
                self._sleep(backoff)
        except Exception:  # noqa: BLE001 - a reader must never take the app down
            log.exception("camera %s: the reader stopped on an internal error", self.camera_id)
        finally:
            self._end_outage()
            self._set_state("stopped")
            self.on_stopped(self, True)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with self.condition:
            while not self.stopping and time.monotonic() < deadline and not self._idle_expired_locked():
                self.condition.wait(min(0.5, deadline - time.monotonic()))

    def _idle_expired_locked(self) -> bool:
        return (self.viewers == 0 and self.idle_since is not None
                and time.monotonic() - self.idle_since >= self.settings.idle_seconds)

    def _set_state(self, state: str, error: str | None = None) -> None:
        with self.condition:
            self.state = state
            if error is not None or state == "online":
                self.error = error
            self.condition.notify_all()

    def _fail(self, code: str) -> None:
        self.stats.failures += 1
        self.stats.last_error = code
        self.failed_at = time.monotonic()
        log.warning("camera %s: %s (%s)", self.camera_id, code, camera_urls.ERRORS.get(code, ""))
        # The outage is on record before anyone can see the reader reconnecting.
        if not self.outage_open:
            self.outage_open = True
            try:
                self.outages.on_start(self.camera_id, code)
            except Exception:  # noqa: BLE001
                log.exception("camera %s: the outage could not be recorded", self.camera_id)
        self._set_state("reconnecting", code)

    def _end_outage(self) -> None:
        if self.outage_open:
            self.outage_open = False
            try:
                self.outages.on_end(self.camera_id)
            except Exception:  # noqa: BLE001
                log.exception("camera %s: the outage end could not be recorded", self.camera_id)

    def _read_once(self) -> bool:
        """One ffmpeg run; True when it produced pictures."""
        try:
            # saved under other rules maybe: the resolved check below judges it now
            camera = camera_urls.parse(self.url_source(), self.kind)
            address = camera_urls.check_resolved(
                camera, allow_private=self.settings.allow_private)
        except camera_urls.CameraUrlError as exc:
            code = str(exc) if str(exc) in camera_urls.ERRORS else "failed"
            self._fail(code)
            return False
        except LookupError:  # the camera was deleted
            self.stopping = True
            return False
        guard = None
        port = None
        proxy = None
        if camera.kind == "hls" or camera.scheme == "https":
            # a playlist may name segments on any host: each is checked by the proxy;
            # https:// (which TLS needs by name) reaches the checked address through its
            # tunnel, so ffmpeg never resolves the name itself (DNS rebinding)
            guard = HttpGuard(allow_private=self.settings.allow_private,
                              timeout=self.settings.io_timeout_seconds)
            proxy, address = guard.url, None
        elif camera.scheme == "rtsp":
            # ffmpeg follows RTSP redirects to any host: it talks to the camera through a
            # guard that ends the connection at one (rtsp_guard.py)
            try:
                guard = RtspGuard(address, camera.port or 554,
                                  self.settings.io_timeout_seconds).connect()
            except OSError:
                self._fail("unreachable")
                return False
            address, port = "127.0.0.1", guard.port
        command = camera_urls.ffmpeg_command(
            camera, ffmpeg=self.settings.ffmpeg, timeout_seconds=self.settings.io_timeout_seconds,
            max_fps=self.settings.max_fps, max_width=self.settings.max_width,
            address=address, port=port, proxy=proxy)
        self.stats.starts += 1
        stderr_tail: deque[str] = deque(maxlen=40)
        started = time.monotonic()
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, env=ffmpeg_env(),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        except OSError:
            if guard is not None:
                guard.close()
            raise
        self.process = process
        stderr_thread = threading.Thread(target=self._drain_stderr, args=(process, stderr_tail),
                                         daemon=True)
        stderr_thread.start()
        watchdog = threading.Thread(target=self._watchdog, args=(process, started), daemon=True)
        watchdog.start()
        produced = False
        buffer = bytearray()
        try:
            while True:
                chunk = process.stdout.read(65536)
                if not chunk:
                    break
                buffer.extend(chunk)
                for jpeg in split_jpegs(buffer):
                    produced = True
                    self._publish(jpeg)
        finally:
            self._terminate(process)
            stderr_thread.join(timeout=2)
            if guard is not None:
                guard.close()
        self.process = None
        if self.stopping:
            return produced
        code = getattr(process, "stalled", False) and "stalled" or camera_urls.classify(
            "\n".join(stderr_tail), produced_frames=produced)
        if isinstance(guard, RtspGuard) and guard.redirected:
            code = "redirect_refused"
        elif isinstance(guard, HttpGuard) and guard.refused:
            code = guard.refused[0]   # a playlist's host or a segment's was refused
        if stderr_tail:  # for whoever debugs: ffmpeg's last words, with every URL removed
            log.debug("camera %s: ffmpeg: %s", self.camera_id,
                      camera_urls.scrub(stderr_tail[-1], camera))
        if not self._idle_expired():
            self._fail(code)
        return produced

    def _publish(self, jpeg: bytes) -> None:
        # The outage's end is on record before anyone can see the reader online again.
        self._end_outage()
        with self.condition:
            seq = self.frame.seq + 1 if self.frame else 1
            self.frame = Frame(seq=seq, jpeg=jpeg, at=time.monotonic())
            self.stats.frames += 1
            self.stats.bytes += len(jpeg)
            if self.state != "online":
                self.state = "online"
                self.error = None
            self.condition.notify_all()

    def _watchdog(self, process: subprocess.Popen, started: float) -> None:
        """Stops ffmpeg when pictures stall, when the reader stops or when nobody watches."""
        while process.poll() is None:
            time.sleep(0.25)
            with self.condition:
                last = self.frame.at if self.frame and self.frame.at >= started else started
                stalled = time.monotonic() - last > self.settings.stall_seconds + (
                    self.settings.open_timeout_seconds if last == started else 0)
            if self.stopping or self._idle_expired() or stalled:
                process.stalled = stalled and not self.stopping
                self._terminate(process)
                return

    @staticmethod
    def _drain_stderr(process: subprocess.Popen, tail: deque) -> None:
        for raw in iter(process.stderr.readline, b""):
            tail.append(raw.decode("utf-8", "replace").strip())

    @staticmethod
    def _terminate(process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=3)

    def stop(self) -> None:
        self.stopping = True
        with self.condition:
            self.condition.notify_all()
        process = self.process
        if process is not None:
            self._terminate(process)


class TooManyReaders(RuntimeError):
    """The owner has as many cameras being read as allowed."""


class CameraRelay:
    """The process's readers, by camera id (an app extension)."""

    def __init__(self, settings: RelaySettings, outages: OutageLog | None = None) -> None:
        self.settings = settings
        self.outages = outages or OutageLog()
        self.lock = threading.Lock()
        self.readers: dict[int, CameraReader] = {}

    def subscribe(self, camera_id: int, url_source: Callable[[], str], kind: str,
                  owner: int | None = None, max_readers: int | None = None) -> CameraReader:
        """The camera's reader with one more viewer (started when there was none).
        TooManyReaders when the owner already has max_readers cameras being read."""
        with self.lock:
            reader = self.readers.get(camera_id)
            if reader is None or reader.stopping or reader.state == "stopped":
                running = sum(1 for other in self.readers.values()
                              if other.owner == owner and not other.stopping)
                if max_readers is not None and running >= max_readers:
                    raise TooManyReaders(max_readers)
                reader = CameraReader(camera_id, url_source, kind, self.settings, self.outages,
                                      self._forget)
                reader.owner = owner
                self.readers[camera_id] = reader
                reader.join()
                reader.thread.start()
            else:
                reader.join()
            return reader

    def _forget(self, reader: CameraReader, force: bool) -> bool:
        """A reader with nobody watching asks to end: granted (and it is forgotten) unless a
        viewer joined meanwhile; force: it ends anyway (stopped, or failed)."""
        with self.lock:
            if not force and reader.viewers > 0:
                return False
            reader.stopping = True
            if self.readers.get(reader.camera_id) is reader:
                del self.readers[reader.camera_id]
            return True

    def restart(self, camera_id: int) -> None:
        """The camera's URL changed or it was deleted: its reader stops now."""
        with self.lock:
            reader = self.readers.pop(camera_id, None)
        if reader is not None:
            reader.stop()

    def status(self, camera_id: int) -> dict | None:
        with self.lock:
            reader = self.readers.get(camera_id)
        return reader.snapshot() if reader else None

    def snapshot(self) -> list[dict]:
        with self.lock:
            readers = list(self.readers.values())
        return [{"camera_id": reader.camera_id, **reader.snapshot()} for reader in readers]

    def stop_all(self) -> None:
        with self.lock:
            readers = list(self.readers.values())
            self.readers.clear()
        for reader in readers:
            reader.stop()
