"""Production's gunicorn settings, which the benchmark serves with too."""

import gc
import importlib.util
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
