-- People Counter: the MySQL / MariaDB schema (InnoDB, utf8mb4).
-- The app creates the same schema itself (backend/schema.py, `flask --app backend init-db`);
-- tests/backend/test_schema.py applies this file to MariaDB and checks that both agree.
-- Times are UTC, millisecond precision.

CREATE TABLE login_attempts (
  id BIGINT NOT NULL AUTO_INCREMENT,
  username VARCHAR(254) NOT NULL,
  ip VARCHAR(45) NOT NULL,
  attempted_at DATETIME(3) NOT NULL,
  succeeded BOOL NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_login_attempts_user_time ON login_attempts (username, attempted_at);
CREATE INDEX ix_login_attempts_ip_time ON login_attempts (ip, attempted_at);

CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT,
  username VARCHAR(64) NOT NULL,
  email VARCHAR(254) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
  created_at DATETIME(3) NOT NULL,
  password_changed_at DATETIME(3),
  PRIMARY KEY (id),
  CONSTRAINT uq_users_username UNIQUE (username),
  CONSTRAINT uq_users_email UNIQUE (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  name VARCHAR(80) NOT NULL,
  token_hash VARCHAR(64) NOT NULL,
  prefix VARCHAR(12) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3),
  last_used_at DATETIME(3),
  revoked_at DATETIME(3),
  PRIMARY KEY (id),
  CONSTRAINT uq_api_tokens_hash UNIQUE (token_hash),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

CREATE TABLE profiles (
  user_id BIGINT NOT NULL,
  date_of_birth DATE,
  place VARCHAR(120),
  gender VARCHAR(32),
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (user_id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE videos (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  original_name VARCHAR(255) NOT NULL,
  stored_name VARCHAR(80) NOT NULL,
  content_type VARCHAR(80) NOT NULL,
  size_bytes BIGINT NOT NULL,
  duration_s FLOAT,
  width INTEGER,
  height INTEGER,
  fps FLOAT,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uq_videos_stored_name UNIQUE (stored_name),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_videos_user_created ON videos (user_id, created_at);

CREATE TABLE runs (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  video_id BIGINT,
  camera_key VARCHAR(120),
  source_kind VARCHAR(16) NOT NULL,
  label VARCHAR(255),
  key_names TEXT,
  client_run_id VARCHAR(64) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  ended_at DATETIME(3),
  last_seen_at DATETIME(3),
  PRIMARY KEY (id),
  CONSTRAINT uq_runs_client UNIQUE (user_id, client_run_id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
  FOREIGN KEY(video_id) REFERENCES videos (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_runs_user_started ON runs (user_id, started_at);
CREATE INDEX ix_runs_video ON runs (video_id);

CREATE TABLE zones (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  video_id BIGINT,
  camera_key VARCHAR(120),
  name VARCHAR(80) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  geometry TEXT NOT NULL,
  color VARCHAR(16) NOT NULL,
  threshold INTEGER,
  hold_seconds FLOAT NOT NULL DEFAULT '0',
  end_hold_seconds FLOAT NOT NULL DEFAULT '0',
  webhook_url VARCHAR(500),
  webhook_secret VARCHAR(80),
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
  FOREIGN KEY(video_id) REFERENCES videos (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_zones_user_video ON zones (user_id, video_id);
CREATE INDEX ix_zones_user_camera ON zones (user_id, camera_key);

CREATE TABLE alerts (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  run_id BIGINT NOT NULL,
  zone_id BIGINT,
  zone_key VARCHAR(64) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  ended_at DATETIME(3),
  threshold INTEGER,
  peak_occupancy INTEGER,
  webhook_status VARCHAR(500),
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
  FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE,
  FOREIGN KEY(zone_id) REFERENCES zones (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_alerts_user_started ON alerts (user_id, started_at);
CREATE INDEX ix_alerts_run_zone ON alerts (run_id, zone_key);

CREATE TABLE ingest_batches (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  run_id BIGINT NOT NULL,
  batch_key VARCHAR(64) NOT NULL,
  received_at DATETIME(3) NOT NULL,
  sample_count INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uq_ingest_batches_key UNIQUE (user_id, batch_key),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
  FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_ingest_batches_run ON ingest_batches (run_id);

CREATE TABLE count_events (
  id BIGINT NOT NULL AUTO_INCREMENT,
  run_id BIGINT NOT NULL,
  zone_id BIGINT,
  batch_id BIGINT NOT NULL,
  zone_key VARCHAR(64) NOT NULL,
  ts DATETIME(3) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  track_id INTEGER,
  dwell_s FLOAT,
  value INTEGER,
  PRIMARY KEY (id),
  FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE,
  FOREIGN KEY(zone_id) REFERENCES zones (id) ON DELETE SET NULL,
  FOREIGN KEY(batch_id) REFERENCES ingest_batches (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_count_events_run_ts ON count_events (run_id, ts);
CREATE INDEX ix_count_events_batch ON count_events (batch_id);
CREATE INDEX ix_count_events_zone_ts ON count_events (zone_id, ts);

CREATE TABLE count_samples (
  id BIGINT NOT NULL AUTO_INCREMENT,
  run_id BIGINT NOT NULL,
  zone_id BIGINT,
  batch_id BIGINT NOT NULL,
  zone_key VARCHAR(64) NOT NULL,
  ts DATETIME(3) NOT NULL,
  occupancy INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  exits INTEGER NOT NULL,
  sample_count INTEGER NOT NULL DEFAULT 1,
  occupancy_sum BIGINT,
  occupancy_max INTEGER,
  resolution_s INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE,
  FOREIGN KEY(zone_id) REFERENCES zones (id) ON DELETE SET NULL,
  FOREIGN KEY(batch_id) REFERENCES ingest_batches (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_count_samples_batch ON count_samples (batch_id);
CREATE INDEX ix_count_samples_zone_ts ON count_samples (zone_id, ts);
CREATE INDEX ix_count_samples_run_zone_ts ON count_samples (run_id, zone_key, ts);


CREATE TABLE cameras (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  name VARCHAR(80) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  url VARCHAR(1000) NOT NULL,
  always_on BOOL NOT NULL DEFAULT false,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_cameras_user ON cameras (user_id);

CREATE TABLE camera_outages (
  id BIGINT NOT NULL AUTO_INCREMENT,
  camera_id BIGINT NOT NULL,
  started_at DATETIME(3) NOT NULL,
  ended_at DATETIME(3),
  reason VARCHAR(32) NOT NULL,
  PRIMARY KEY (id),
  FOREIGN KEY(camera_id) REFERENCES cameras (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_camera_outages_camera_started ON camera_outages (camera_id, started_at);

CREATE TABLE station_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  name VARCHAR(80) NOT NULL,
  token_hash VARCHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3),
  PRIMARY KEY (id),
  CONSTRAINT uq_station_tokens_hash UNIQUE (token_hash),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_station_tokens_user ON station_tokens (user_id);

-- Demographics (opt-in): aggregate counts per run, line/zone key, minute, kind, gender and
-- age band; never a face, a crop or a per-person record (docs/demographics.md).
CREATE TABLE demographic_counts (
  id BIGINT NOT NULL AUTO_INCREMENT,
  run_id BIGINT NOT NULL,
  zone_key VARCHAR(64) NOT NULL,
  minute DATETIME(3) NOT NULL,
  kind VARCHAR(8) NOT NULL,
  gender VARCHAR(8) NOT NULL,
  age_band VARCHAR(8) NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uq_demographic_counts_cell UNIQUE (run_id, zone_key, minute, kind, gender, age_band),
  FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Durable webhooks (backend/services/outbox.py): written with the alert, sent in order per zone.
CREATE TABLE webhook_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT,
  alert_id BIGINT NOT NULL,
  run_id BIGINT NOT NULL,
  zone_key VARCHAR(64) NOT NULL,
  event VARCHAR(16) NOT NULL,
  url VARCHAR(500) NOT NULL,
  secret VARCHAR(80) NOT NULL,
  body TEXT NOT NULL,
  idempotency_key VARCHAR(64) NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at DATETIME(3) NOT NULL,
  last_result VARCHAR(500),
  created_at DATETIME(3) NOT NULL,
  sent_at DATETIME(3),
  PRIMARY KEY (id),
  CONSTRAINT uq_webhook_outbox_key UNIQUE (idempotency_key),
  FOREIGN KEY(alert_id) REFERENCES alerts (id) ON DELETE CASCADE,
  FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_webhook_outbox_status_due ON webhook_outbox (status, next_attempt_at);
CREATE INDEX ix_webhook_outbox_order ON webhook_outbox (run_id, zone_key, status);

CREATE TABLE webhook_tests (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  sent_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_webhook_tests_user_time ON webhook_tests (user_id, sent_at);

