"""``flask --app wsgi worker``: work the job queue (PostgreSQL), with the scheduled jobs."""

import os
import sys

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    app.cli.add_command(worker)


@click.command("worker")
@click.option("--concurrency", type=int, default=lambda: int(os.environ.get("WORKER_CONCURRENCY", 1)), show_default=1)
def worker(concurrency: int) -> None:
    """Run queued jobs as they come, and the scheduled ones at their times, until stopped (SIGINT or SIGTERM)."""
    from app import jobs
    from app.jobs.tasks import schedule
    from app.ops.metrics import serve_worker_metrics

    backend = jobs.backend()
    if backend.kind != jobs.DATABASE:
        click.echo(
            "Error: the job queue is in the app's own process (SQLite, or JOB_QUEUE=in-process): it needs no worker.",
            err=True,
        )
        sys.exit(1)
    bind = current_app.config.get("WORKER_METRICS_BIND")
    if bind:
        serve_worker_metrics(bind)
    schedule()
    app = current_app._get_current_object()
    connector = backend.connector()
    jobs.queue.connector = jobs.queue.job_manager.connector = connector
    click.echo(f"Working the job queue ({concurrency} at a time); stop with Ctrl+C or SIGTERM.")
    jobs.queue.run_worker(concurrency=concurrency, additional_context={"flask_app": app}, name="worker")
