"""Production settings for ``gunicorn wsgi:app`` (gunicorn reads this file from the working directory).

Sync workers, one per core by default (``WEB_CONCURRENCY`` overrides): a request's work is CPU and a short
database call, and a sync worker holds no state between requests. The benchmark serves with the same hook
(bench/gunicorn_conf.py); docs/benchmarks.md says what it saves.
"""

import gc
import os
import tempfile
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
worker_class = "sync"
# An export of a large board pack takes seconds; let it finish rather than kill the worker mid-way.
timeout = 120


# Prometheus metrics: each worker counts into files in this folder and a scrape of any worker adds them all up
# (app/ops/metrics.py).
METRICS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"


def on_starting(server):
    """Before the workers start (they inherit the setting): an empty metrics folder, so no figure of an earlier run
    is added in; a new private one unless PROMETHEUS_MULTIPROC_DIR names one."""
    folder = os.environ.get(METRICS_FOLDER)
    if not folder:
        os.environ[METRICS_FOLDER] = tempfile.mkdtemp(prefix="highlight-metrics-")
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for stale in Path(folder).glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker that exits (or is replaced) stops counting: its live gauges are dropped, its totals kept."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Once the worker has loaded the app: keep what start-up allocated (modules, templates, mappers) out of every
    collection, and collect less often. A 300-milestone page allocates tens of thousands of objects, and at the
    default threshold of 700 the collector ran many times per request over everything the process holds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)
