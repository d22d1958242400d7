from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.config import Config, ProductionConfig


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/highlight")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig(tmp_path)


def test_production_uses_secure_cookies_and_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/highlight")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = ProductionConfig(tmp_path)
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u:p@db/highlight"


def test_embedded_default_keeps_one_generated_key_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = Config(tmp_path)
    second = Config(tmp_path)
    assert len(first.SECRET_KEY) >= 32
    assert first.SECRET_KEY == second.SECRET_KEY
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert f"sqlite:///{tmp_path / 'highlight.db'}" == first.SQLALCHEMY_DATABASE_URI


def test_sqlite_connections_use_wal_and_a_busy_timeout(tmp_path):
    import app  # noqa: F401  (registers the connect listener)

    engine = create_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_the_instance_folder_given_is_where_the_app_keeps_its_files(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)

    config = Config(instance_dir=tmp_path)

    assert Path(config.INSTANCE_DIR) == tmp_path
    assert (tmp_path / "secret_key").exists()


def test_migrations_run_as_the_owner_and_grant_the_app_role_named_by_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://highlight_app:a@db/highlight")
    monkeypatch.setenv("MIGRATION_DATABASE_URL", "postgres://highlight_owner:o@db/highlight")
    monkeypatch.delenv("DATABASE_APP_ROLE", raising=False)
    config = Config(tmp_path)
    assert config.MIGRATION_DATABASE_URI == "postgresql+psycopg://highlight_owner:o@db/highlight"
    assert config.DATABASE_APP_ROLE == "highlight_app"
    monkeypatch.setenv("DATABASE_APP_ROLE", "highlight_readers")
    assert Config(tmp_path).DATABASE_APP_ROLE == "highlight_readers"


def test_one_role_for_both_grants_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://highlight:a@db/highlight")
    monkeypatch.delenv("DATABASE_APP_ROLE", raising=False)
    monkeypatch.delenv("MIGRATION_DATABASE_URL", raising=False)
    assert Config(tmp_path).DATABASE_APP_ROLE is None
    monkeypatch.setenv("MIGRATION_DATABASE_URL", "postgresql://highlight:a@db/highlight")
    assert Config(tmp_path).DATABASE_APP_ROLE is None
