"""gunicorn settings the benchmark serves Highlight (and the ceiling) with: ``gunicorn -c bench/gunicorn_conf.py``.

Two sync workers, as the machine has two cores. The bind address comes from the command line. The garbage
collector settings below are what production should run with too (see docs/benchmarks.md).
"""

import gc

worker_class = "sync"
workers = 2
accesslog = None
loglevel = "warning"
# Long enough to time a slow export (the budget is 30 s) instead of killing the worker mid-way.
timeout = 120


def post_worker_init(worker):
    """Once the worker has loaded the app: keep what start-up allocated (modules, templates, mappers) out of every
    collection, and collect less often. A 300-milestone page allocates tens of thousands of objects, and at the
    default threshold of 700 the collector ran many times per request over everything the process holds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)
