"""Production's gunicorn settings, which the benchmark serves with too."""

import gc
import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"conf_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def restore_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_worker_start_freezes_what_start_up_allocated_and_collects_less_often(restore_gc):
    production = _load(ROOT / "gunicorn.conf.py")
    gc.unfreeze()

    production.post_worker_init(worker=None)

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == 50_000


def test_the_bench_serves_with_productions_worker_hook_and_sync_workers():
    production = _load(ROOT / "gunicorn.conf.py")
    bench = _load(ROOT / "bench" / "gunicorn_conf.py")

    assert Path(bench.post_worker_init.__code__.co_filename) == ROOT / "gunicorn.conf.py"
    assert bench.worker_class == production.worker_class == "sync"
    assert bench.workers == 2


def test_production_workers_follow_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")

    assert _load(ROOT / "gunicorn.conf.py").workers == 3


def test_each_start_counts_metrics_into_an_empty_folder_the_workers_share(monkeypatch, tmp_path):
    production = _load(ROOT / "gunicorn.conf.py")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")  # restored after the test, however on_starting sets it
    production.on_starting(server=None)
    made = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert made.is_dir() and not any(made.iterdir())

    named = tmp_path / "metrics"
    named.mkdir()
    (named / "counter_123.db").write_bytes(b"an earlier run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(named))
    production.on_starting(server=None)
    assert not any(named.iterdir())
