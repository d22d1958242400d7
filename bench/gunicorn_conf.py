"""gunicorn settings the benchmark serves Highlight (and the ceiling) with: ``gunicorn -c bench/gunicorn_conf.py``.

Two sync workers, as the brief's machine has two cores. The worker count and bind address come from the
command line.
"""

worker_class = "sync"
workers = 2
accesslog = None
loglevel = "warning"
# Long enough to time a slow export (the budget is 30 s) instead of killing the worker mid-way.
timeout = 120
