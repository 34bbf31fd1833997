"""gunicorn settings of one app instance (`gunicorn -c deploy/gunicorn.conf.py
'backend:create_app()'`). Several instances, on several ports or hosts, share MariaDB and
Redis; nginx (deploy/nginx.conf) balances over them. docs/production.md is the set-up.

Metrics: every worker writes its counters to PROMETHEUS_MULTIPROC_DIR (one directory per
instance, emptied when the instance starts) and /metrics sums them. The variable must be in
the environment before prometheus_client is imported, hence here, before anything else."""
import os
import shutil
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads: a live view (server-sent events) holds a thread, not a whole worker.
worker_class = os.environ.get("WORKER_CLASS", "gthread")
threads = int(os.environ.get("WORKER_THREADS", "8"))
timeout = 60
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "20"))  # open live views end then
keepalive = 30
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"

_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    str(Path(os.environ.get("PC_INSTANCE_DIR", "instance")) / f"metrics-{bind.rsplit(':', 1)[-1]}"))


def on_starting(server):
    """A fresh directory per start: counts of a previous run must not be added again."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
