"""Configuration: the only module that reads environment variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("PC_INSTANCE_DIR", REPO_ROOT / "instance"))


def _number(name: str, default, kind, what: str):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be {what}, got {raw!r}") from exc


def _int(name: str, default: int) -> int:
    return _number(name, default, int, "a whole number")


def _float(name: str, default: float) -> float:
    return _number(name, default, float, "a number")


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one kept in the instance folder."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Settings read once from the environment; tests override with create_app(test_config)."""

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.DATABASE_URL = os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'people_counter.sqlite'}"
        )
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
        self.MAX_UPLOAD_MB = _int("MAX_UPLOAD_MB", 2048)
        self.MAX_CONTENT_LENGTH = self.MAX_UPLOAD_MB * 1024 * 1024
        # A JSON request body (a count batch of 10,000 rows is about 2 MB): larger ones are a
        # 413 before they are read. MAX_CONTENT_LENGTH (the upload limit) let any client,
        # logged in or not, make the server hold a 2 GB JSON body in memory.
        self.MAX_JSON_MB = _int("MAX_JSON_MB", 16)
        # Server-side sessions: "filesystem" (default) or "redis" for several workers.
        self.SESSION_BACKEND = os.environ.get("SESSION_BACKEND", "filesystem")
        self.SESSION_DIR = os.environ.get("SESSION_DIR", str(INSTANCE_DIR / "sessions"))
        self.REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        self.SESSION_COOKIE_HTTPONLY = True
        # Save a session only when it changed: a request still in flight at logout must not
        # write the old session back under its old id (which would log the user in again).
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = _int("SESSION_LIFETIME_HOURS", 24 * 14) * 3600
        # Login throttling: this many failures within the window locks the account+address.
        self.LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
        self.LOGIN_WINDOW_SECONDS = _int("LOGIN_WINDOW_SECONDS", 15 * 60)
        # Failures from one address (any usernames) before it is refused; 0: 4 x the above.
        self.LOGIN_MAX_FAILURES_PER_IP = _int("LOGIN_MAX_FAILURES_PER_IP", 0)
        self.API_TOKEN_DEFAULT_DAYS = _int("API_TOKEN_DEFAULT_DAYS", 90)
        self.MODELS_DIR = os.environ.get("MODELS_DIR", str(REPO_ROOT / "frontend" / "models"))
        self.NODE_MODULES_DIR = str(REPO_ROOT / "node_modules")
        self.FRONTEND_DIR = str(REPO_ROOT / "frontend")
        self.WEBHOOK_TIMEOUT_SECONDS = _int("WEBHOOK_TIMEOUT_SECONDS", 5)
        self.WEBHOOK_RETRIES = _int("WEBHOOK_RETRIES", 3)
        # "Send a test" on the Webhooks page: at most this many per user in the window (each holds a
        # worker for up to WEBHOOK_TIMEOUT_SECONDS and reports how the receiver answered).
        self.WEBHOOK_TEST_MAX = _int("WEBHOOK_TEST_MAX", 5)
        self.WEBHOOK_TEST_WINDOW_SECONDS = _int("WEBHOOK_TEST_WINDOW_SECONDS", 60)
        self.WEBHOOK_BACKOFF_SECONDS = _float("WEBHOOK_BACKOFF_SECONDS", 1.0)
        # The outbox sender: how often it looks for due deliveries (it is also woken by each
        # alert written in its process) and how long it stays with nothing pending.
        self.WEBHOOK_POLL_SECONDS = _float("WEBHOOK_POLL_SECONDS", 2.0)
        self.WEBHOOK_IDLE_EXIT_SECONDS = _float("WEBHOOK_IDLE_EXIT_SECONDS", 120.0)
        # Webhooks to loopback, private (LAN), link-local... addresses: refused unless true.
        self.WEBHOOK_ALLOW_PRIVATE = _bool("WEBHOOK_ALLOW_PRIVATE", False)
        # Live view (server-sent events): database poll interval, heartbeat, stream lifetime.
        self.LIVE_POLL_SECONDS = _float("LIVE_POLL_SECONDS", 1.0)
        self.LIVE_HEARTBEAT_SECONDS = _float("LIVE_HEARTBEAT_SECONDS", 15.0)
        self.LIVE_MAX_SECONDS = _float("LIVE_MAX_SECONDS", 300.0)
        # Live streams one user may hold open in one worker process at once: each holds a
        # worker thread for up to LIVE_MAX_SECONDS (gthread: 8 per process by default).
        self.LIVE_MAX_STREAMS_PER_USER = _int("LIVE_MAX_STREAMS_PER_USER", 4)
        # Where those streams are counted: "process" (each worker process on its own) or
        # "redis" (across every instance; the default with SESSION_BACKEND=redis). On Redis
        # each stream holds a lease it renews while it runs: a crashed worker's slots end
        # within LIVE_SLOT_LEASE_SECONDS.
        self.LIVE_STREAM_SLOTS = os.environ.get("LIVE_STREAM_SLOTS") or (
            "redis" if self.SESSION_BACKEND == "redis" else "process")
        if self.LIVE_STREAM_SLOTS not in ("process", "redis"):
            raise RuntimeError("LIVE_STREAM_SLOTS must be 'process' or 'redis', got "
                               f"{self.LIVE_STREAM_SLOTS!r}")
        self.LIVE_SLOT_LEASE_SECONDS = _float("LIVE_SLOT_LEASE_SECONDS", 60.0)
        # How a live stream learns of a batch stored by another instance: "redis" (pub/sub,
        # at once; the default with SESSION_BACKEND=redis) or "poll" (every LIVE_POLL_SECONDS).
        self.LIVE_NOTIFY = os.environ.get("LIVE_NOTIFY") or (
            "redis" if self.SESSION_BACKEND == "redis" else "poll")
        # Proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto are trusted.
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        # Retention (`flask rollup`): raw samples older than RETENTION_RAW_DAYS become one row
        # per zone and minute; older than RETENTION_MINUTE_DAYS, one per RETENTION_COARSE_SECONDS.
        self.RETENTION_RAW_DAYS = _float("RETENTION_RAW_DAYS", 30.0)
        self.RETENTION_MINUTE_DAYS = _float("RETENTION_MINUTE_DAYS", 365.0)
        self.RETENTION_COARSE_SECONDS = _int("RETENTION_COARSE_SECONDS", 3600)
        # Several worker processes (gunicorn): where each writes its metrics; /metrics sums
        # them (prometheus_client's multiprocess mode reads the same variable).
        self.PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
        self.FFPROBE_BIN = os.environ.get("FFPROBE_BIN", "ffprobe")
        # IP cameras (docs/cameras.md): the relay's ffmpeg, its limits, and the station.
        self.FFMPEG_BIN = os.environ.get("FFMPEG_BIN", "ffmpeg")
        self.CAMERA_MAX_FPS = _float("CAMERA_MAX_FPS", 10.0)
        self.CAMERA_MAX_WIDTH = _int("CAMERA_MAX_WIDTH", 1280)
        self.CAMERA_OPEN_TIMEOUT_SECONDS = _float("CAMERA_OPEN_TIMEOUT_SECONDS", 10.0)
        self.CAMERA_IDLE_SECONDS = _float("CAMERA_IDLE_SECONDS", 5.0)
        self.CAMERA_STALL_SECONDS = _float("CAMERA_STALL_SECONDS", 8.0)
        self.CAMERA_MAX_READERS_PER_USER = _int("CAMERA_MAX_READERS_PER_USER", 16)
        # Cameras on loopback and private (LAN) addresses: true for a shop's laptop, where
        # the cameras are on the LAN; false on a hosted server shared by many accounts,
        # where the relay's answers would let a user map the server's network.
        self.CAMERA_ALLOW_PRIVATE = _bool("CAMERA_ALLOW_PRIVATE", True)
        self.STATION_SERVER_URL = os.environ.get("STATION_SERVER_URL", "http://127.0.0.1:5000")
        self.STATION_PORT = _int("STATION_PORT", 5051)
        self.EXPORT_CHUNK_ROWS = _int("EXPORT_CHUNK_ROWS", 50_000)
        self.TESTING = False

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
