"""Prometheus metrics (prometheus-client): requests by endpoint (count and latency), jobs by task (count by
outcome and duration), and the queue's jobs by state at the time of the scrape.

Under gunicorn each worker process counts for itself into files in ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py
makes a fresh folder), and a scrape of any worker adds them all up: the server's figures, whichever worker answers.
Each server is scraped on its own; the worker command serves its jobs' figures on ``WORKER_METRICS_BIND``."""

import os
import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
REQUESTS = Counter(
    "highlight_http_requests", "Requests answered, by endpoint, method and status", ["endpoint", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "highlight_http_request_duration_seconds",
    "Time to answer a request, by endpoint and method",
    ["endpoint", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
JOBS = Counter("highlight_jobs", "Jobs run, by task and outcome (succeeded, failed)", ["task", "outcome"])
JOB_SECONDS = Histogram(
    "highlight_job_duration_seconds",
    "Time a job ran, by task",
    ["task"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)


def job_ran(task: str, outcome: str, seconds: float) -> None:
    JOBS.labels(task, outcome).inc()
    JOB_SECONDS.labels(task).observe(seconds)


def register_request_metrics(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            endpoint = request.url_rule.endpoint if request.url_rule is not None else "none"
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
            REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
        return response


class _QueueCollector:
    """The queue's jobs by state, counted when scraped."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts

    def collect(self):
        family = GaugeMetricFamily("highlight_jobs_waiting", "Jobs in the queue, by state", labels=["state"])
        for state, count in sorted(self.counts.items()):
            family.add_metric([state], count)
        yield family


def process_registry() -> CollectorRegistry:
    """This process's metrics, or every worker process's when they count into a shared folder."""
    if os.environ.get(MULTIPROCESS_DIR):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def exposition(queue_counts: dict[str, int]) -> bytes:
    """The text a scrape reads: the process's (or server's) metrics, then the queue's."""
    queue = CollectorRegistry()
    queue.register(_QueueCollector(queue_counts))
    return generate_latest(process_registry()) + generate_latest(queue)


def serve_worker_metrics(bind: str) -> None:
    """Serve this process's metrics over HTTP on ``host:port`` (the worker command, which answers no requests)."""
    from prometheus_client import start_http_server

    host, _, port = bind.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1", registry=process_registry())
