"""gunicorn settings the benchmark serves Highlight (and the ceiling) with: ``gunicorn -c bench/gunicorn_conf.py``.

Two sync workers, as the machine has two cores. The bind address comes from the command line. The garbage
collector hook is production's (the top-level gunicorn.conf.py), so the bench measures what production runs.
"""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "highlight_gunicorn_conf", Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
)
_production = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_production)

worker_class = "sync"
workers = 2
accesslog = None
loglevel = "warning"
timeout = _production.timeout
post_worker_init = _production.post_worker_init
on_starting = _production.on_starting
child_exit = _production.child_exit
