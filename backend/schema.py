"""The application's tables (SQLAlchemy Core). db/schema.sql is the same schema as MySQL DDL;
tests/backend/test_schema.py checks that the two agree."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from .protocol import KEY_MAX_LENGTH

metadata = sa.MetaData()
# MySQL table options, the same as in db/schema.sql.
MYSQL_OPTIONS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4",
                 "mysql_collate": "utf8mb4_unicode_ci"}


class UtcDateTime(sa.types.TypeDecorator):
    """Stores naive UTC (millisecond precision on MySQL), returns aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "mysql":
            return dialect.type_descriptor(mysql.DATETIME(fsp=3))
        return dialect.type_descriptor(sa.DateTime())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


# A webhook delivery's outcome as stored (alerts.webhook_status, webhook_outbox.last_result):
# long enough for a refused target's reason with a whole host name ("failed: refused target:
# cannot resolve <253 characters> (...)"); 32 and 64 cut such reasons short.
WEBHOOK_RESULT_LENGTH = 500


def fit_result(text: str) -> str:
    """A delivery outcome cut to its column, with … where it was cut."""
    return text if len(text) <= WEBHOOK_RESULT_LENGTH else text[:WEBHOOK_RESULT_LENGTH - 1] + "…"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
                     autoincrement=True)


def _fk(name: str, target: str, nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(name, sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                     sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


users = sa.Table(
    "users", metadata,
    _id(),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("password_changed_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("username", name="uq_users_username"),
    sa.UniqueConstraint("email", name="uq_users_email"),
    **MYSQL_OPTIONS,
)

profiles = sa.Table(
    "profiles", metadata,
    sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
              sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("date_of_birth", sa.Date(), nullable=True),
    sa.Column("place", sa.String(120), nullable=True),
    sa.Column("gender", sa.String(32), nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    **MYSQL_OPTIONS,
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    _id(),
    _fk("user_id", "users.id"),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("prefix", sa.String(12), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("last_used_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("token_hash", name="uq_api_tokens_hash"),
    sa.Index("ix_api_tokens_user", "user_id"),
    **MYSQL_OPTIONS,
)

login_attempts = sa.Table(
    "login_attempts", metadata,
    _id(),
    sa.Column("username", sa.String(254), nullable=False),
    sa.Column("ip", sa.String(45), nullable=False),
    sa.Column("attempted_at", UtcDateTime(), nullable=False),
    sa.Column("succeeded", sa.Boolean(), nullable=False),
    sa.Index("ix_login_attempts_user_time", "username", "attempted_at"),
    sa.Index("ix_login_attempts_ip_time", "ip", "attempted_at"),
    **MYSQL_OPTIONS,
)

# Test sends of a webhook ("Send a test"): each holds a worker for up to the webhook timeout and
# answers how the receiver reacted, so they are counted per user and limited (api/webhooks.py).
webhook_tests = sa.Table(
    "webhook_tests", metadata,
    _id(),
    _fk("user_id", "users.id"),
    sa.Column("sent_at", UtcDateTime(), nullable=False),
    sa.Index("ix_webhook_tests_user_time", "user_id", "sent_at"),
    **MYSQL_OPTIONS,
)

videos = sa.Table(
    "videos", metadata,
    _id(),
    _fk("user_id", "users.id"),
    sa.Column("original_name", sa.String(255), nullable=False),
    sa.Column("stored_name", sa.String(80), nullable=False),
    sa.Column("content_type", sa.String(80), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    sa.Column("duration_s", sa.Float(), nullable=True),
    sa.Column("width", sa.Integer(), nullable=True),
    sa.Column("height", sa.Integer(), nullable=True),
    sa.Column("fps", sa.Float(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("stored_name", name="uq_videos_stored_name"),
    sa.Index("ix_videos_user_created", "user_id", "created_at"),
    **MYSQL_OPTIONS,
)

# A zone is a polygon, a directed line or a band, attached to a video or to a camera key
# (a webcam's label chosen by the user). geometry holds the JSON of the shape.
zones = sa.Table(
    "zones", metadata,
    _id(),
    _fk("user_id", "users.id"),
    _fk("video_id", "videos.id", nullable=True),
    sa.Column("camera_key", sa.String(120), nullable=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("geometry", sa.Text(), nullable=False),
    sa.Column("color", sa.String(16), nullable=False),
    sa.Column("threshold", sa.Integer(), nullable=True),
    sa.Column("hold_seconds", sa.Float(), nullable=False, server_default="0"),
    # how long occupancy must stay at or below the threshold before an alert ends
    sa.Column("end_hold_seconds", sa.Float(), nullable=False, server_default="0"),
    sa.Column("webhook_url", sa.String(500), nullable=True),
    sa.Column("webhook_secret", sa.String(80), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_zones_user_video", "user_id", "video_id"),
    sa.Index("ix_zones_user_camera", "user_id", "camera_key"),
    **MYSQL_OPTIONS,
)

# One counting run of a source (a video played or processed, or a webcam session).
runs = sa.Table(
    "runs", metadata,
    _id(),
    _fk("user_id", "users.id"),
    _fk("video_id", "videos.id", nullable=True, ondelete="SET NULL"),
    sa.Column("camera_key", sa.String(120), nullable=True),
    sa.Column("source_kind", sa.String(16), nullable=False),
    sa.Column("label", sa.String(255), nullable=True),
    # JSON {key: {"name", "kind"}} of the run's zones the server has no row for ("draft-3":
    # counted before or without saving, e.g. a file on the user's computer), so the
    # dashboard, CSV and charts show the names the monitor showed.
    sa.Column("key_names", sa.Text(), nullable=True),
    sa.Column("client_run_id", sa.String(KEY_MAX_LENGTH), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("ended_at", UtcDateTime(), nullable=True),
    sa.Column("last_seen_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("user_id", "client_run_id", name="uq_runs_client"),
    sa.Index("ix_runs_user_started", "user_id", "started_at"),
    sa.Index("ix_runs_video", "video_id"),
    **MYSQL_OPTIONS,
)

# Idempotent ingestion: a batch id the client made is stored once.
ingest_batches = sa.Table(
    "ingest_batches", metadata,
    _id(),
    _fk("user_id", "users.id"),
    _fk("run_id", "runs.id"),
    sa.Column("batch_key", sa.String(KEY_MAX_LENGTH), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("sample_count", sa.Integer(), nullable=False),
    sa.Column("event_count", sa.Integer(), nullable=False),
    sa.UniqueConstraint("user_id", "batch_key", name="uq_ingest_batches_key"),
    sa.Index("ix_ingest_batches_run", "run_id"),
    **MYSQL_OPTIONS,
)

# Per-zone samples: occupancy at a time, and entries/exits since the previous sample.
count_samples = sa.Table(
    "count_samples", metadata,
    _id(),
    _fk("run_id", "runs.id"),
    _fk("zone_id", "zones.id", nullable=True, ondelete="SET NULL"),
    _fk("batch_id", "ingest_batches.id"),
    sa.Column("zone_key", sa.String(KEY_MAX_LENGTH), nullable=False),
    sa.Column("ts", UtcDateTime(), nullable=False),
    sa.Column("occupancy", sa.Integer(), nullable=False),
    sa.Column("entries", sa.Integer(), nullable=False),
    sa.Column("exits", sa.Integer(), nullable=False),
    # Retention (backend/services/retention.py): a row rolled up from several samples
    # carries how many it stands for, their occupancy sum and maximum, and its slot length
    # (0: a raw sample; occupancy_sum/occupancy_max NULL mean "just this row's occupancy").
    sa.Column("sample_count", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("occupancy_sum", sa.BigInteger(), nullable=True),
    sa.Column("occupancy_max", sa.Integer(), nullable=True),
    sa.Column("resolution_s", sa.Integer(), nullable=False, server_default="0"),
    sa.Index("ix_count_samples_run_zone_ts", "run_id", "zone_key", "ts"),
    sa.Index("ix_count_samples_zone_ts", "zone_id", "ts"),
    sa.Index("ix_count_samples_batch", "batch_id"),
    **MYSQL_OPTIONS,
)

# Events: line crossings (in/out), zone enter/leave (with dwell), alert start/end.
count_events = sa.Table(
    "count_events", metadata,
    _id(),
    _fk("run_id", "runs.id"),
    _fk("zone_id", "zones.id", nullable=True, ondelete="SET NULL"),
    _fk("batch_id", "ingest_batches.id"),
    sa.Column("zone_key", sa.String(KEY_MAX_LENGTH), nullable=False),
    sa.Column("ts", UtcDateTime(), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("track_id", sa.Integer(), nullable=True),
    sa.Column("dwell_s", sa.Float(), nullable=True),
    sa.Column("value", sa.Integer(), nullable=True),
    sa.Index("ix_count_events_run_ts", "run_id", "ts"),
    sa.Index("ix_count_events_zone_ts", "zone_id", "ts"),
    sa.Index("ix_count_events_batch", "batch_id"),
    **MYSQL_OPTIONS,
)

alerts = sa.Table(
    "alerts", metadata,
    _id(),
    _fk("user_id", "users.id"),
    _fk("run_id", "runs.id"),
    _fk("zone_id", "zones.id", nullable=True, ondelete="SET NULL"),
    sa.Column("zone_key", sa.String(KEY_MAX_LENGTH), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("ended_at", UtcDateTime(), nullable=True),
    sa.Column("threshold", sa.Integer(), nullable=True),
    sa.Column("peak_occupancy", sa.Integer(), nullable=True),
    sa.Column("webhook_status", sa.String(WEBHOOK_RESULT_LENGTH), nullable=True),
    sa.Index("ix_alerts_user_started", "user_id", "started_at"),
    sa.Index("ix_alerts_run_zone", "run_id", "zone_key"),
    **MYSQL_OPTIONS,
)

# IP cameras (issue 16): the URL (with any credentials in it) is the owner's alone and is
# never sent back to a page, written to a log or put in an error message. always_on: the
# counting station (`flask --app backend station`) counts it around the clock.
cameras = sa.Table(
    "cameras", metadata,
    _id(),
    _fk("user_id", "users.id"),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("url", sa.String(1000), nullable=False),
    sa.Column("always_on", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_cameras_user", "user_id"),
    **MYSQL_OPTIONS,
)

# When a camera's relay lost the picture and when it came back (ended_at NULL: still out):
# the gaps in a camera's counts, written by the relay, never guessed from missing samples.
camera_outages = sa.Table(
    "camera_outages", metadata,
    _id(),
    _fk("camera_id", "cameras.id"),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("ended_at", UtcDateTime(), nullable=True),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Index("ix_camera_outages_camera_started", "camera_id", "started_at"),
    **MYSQL_OPTIONS,
)

# Counting-station tokens: like API tokens (only a SHA-256 stored), but scoped to what a
# station does for its user: read the user's cameras and their zones, watch their streams,
# create camera runs and post their counts; nothing else (backend/station/scope.py).
station_tokens = sa.Table(
    "station_tokens", metadata,
    _id(),
    _fk("user_id", "users.id"),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("token_hash", name="uq_station_tokens_hash"),
    sa.Index("ix_station_tokens_user", "user_id"),
    **MYSQL_OPTIONS,
)

# Demographics (opt-in, docs/demographics.md): aggregate counts only, one row per run, line or
# zone key, minute, event kind (in, out, enter), gender and age band. Never a face, a crop or
# a per-person record: the browser estimates, the server only adds counts up.
demographic_counts = sa.Table(
    "demographic_counts", metadata,
    _id(),
    _fk("run_id", "runs.id"),
    sa.Column("zone_key", sa.String(KEY_MAX_LENGTH), nullable=False),
    sa.Column("minute", UtcDateTime(), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("gender", sa.String(8), nullable=False),
    sa.Column("age_band", sa.String(8), nullable=False),
    sa.Column("count", sa.Integer(), nullable=False),
    sa.UniqueConstraint("run_id", "zone_key", "minute", "kind", "gender", "age_band",
                        name="uq_demographic_counts_cell"),
    **MYSQL_OPTIONS,
)

# Durable webhooks: one row per delivery, written in the transaction that opens or closes the
# alert; sent by backend/services/outbox.py (claimed with row locks), in id order per zone.
webhook_outbox = sa.Table(
    "webhook_outbox", metadata,
    _id(),
    _fk("alert_id", "alerts.id"),
    _fk("run_id", "runs.id"),
    sa.Column("zone_key", sa.String(KEY_MAX_LENGTH), nullable=False),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("url", sa.String(500), nullable=False),
    sa.Column("secret", sa.String(80), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("idempotency_key", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
    sa.Column("last_result", sa.String(WEBHOOK_RESULT_LENGTH), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("idempotency_key", name="uq_webhook_outbox_key"),
    sa.Index("ix_webhook_outbox_status_due", "status", "next_attempt_at"),
    sa.Index("ix_webhook_outbox_order", "run_id", "zone_key", "status"),
    **MYSQL_OPTIONS,
)
