import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.config import Config, ProductionConfig, create_owner_only, write_owner_only
from app.models.sealed import cipher, new_key

TOTP_KEY = new_key()


@pytest.fixture(autouse=True)
def totp_key(monkeypatch):
    """A key that seals second factors, as every server with a shared database has; tests about it remove it."""
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", TOTP_KEY)


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/highlight")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig(tmp_path)


def test_production_refuses_to_start_without_a_key_for_second_factors(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/highlight")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("TOTP_ENCRYPTION_KEY")
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEY must be set in production"):
        ProductionConfig(tmp_path)
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", " ")
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEY must be set in production"):
        ProductionConfig(tmp_path)
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", f"{new_key()},{TOTP_KEY}")
    assert ProductionConfig(tmp_path).TOTP_ENCRYPTION_KEY.endswith(TOTP_KEY)


def test_a_key_for_second_factors_that_is_not_a_fernet_key_stops_start_up_naming_it_not_showing_it(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", f"{TOTP_KEY},not-a-key")
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEY: key 2 of 2 is not a Fernet key") as refused:
        Config(tmp_path)
    assert "not-a-key" not in str(refused.value)


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


def test_embedded_default_keeps_one_generated_key_for_second_factors_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TOTP_ENCRYPTION_KEY")
    first, second = Config(tmp_path), Config(tmp_path)
    assert first.TOTP_ENCRYPTION_KEY == second.TOTP_ENCRYPTION_KEY != first.SECRET_KEY
    assert cipher(first.TOTP_ENCRYPTION_KEY)  # a Fernet key
    assert (tmp_path / "totp_encryption_key").stat().st_mode & 0o077 == 0


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


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_embedded_database_and_key_are_readable_by_their_owner_only(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    previous = os.umask(0o022)  # the usual umask, which would leave new files readable by everyone
    try:
        instance = tmp_path / "instance"
        config = Config(instance)
        engine = create_engine(config.SQLALCHEMY_DATABASE_URI)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            journals = [instance / "highlight.db-wal", instance / "highlight.db-shm"]
            journal_modes = {path.name: _mode(path) for path in journals}
        engine.dispose()
    finally:
        os.umask(previous)

    assert _mode(instance) == 0o700
    assert _mode(instance / "secret_key") == 0o600
    assert _mode(instance / "highlight.db") == 0o600
    assert journal_modes == {"highlight.db-wal": 0o600, "highlight.db-shm": 0o600}


def test_a_kept_file_is_created_once_and_never_replaced(tmp_path):
    path = tmp_path / "secret_key"

    assert create_owner_only(path, "first") is True
    assert create_owner_only(path, "second") is False

    assert path.read_text() == "first"
    assert _mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_write_owner_only_tightens_a_file_it_replaces(tmp_path):
    path = tmp_path / "demo-password"
    path.write_text("old")
    path.chmod(0o644)

    write_owner_only(path, "new")

    assert (path.read_text(), _mode(path)) == ("new", 0o600)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SESSION_IDLE_MINUTES", 0, "SESSION_IDLE_MINUTES"),
        ("SESSION_LIFETIME_HOURS", -2, "SESSION_LIFETIME_HOURS"),
        ("SIGN_IN_ACCOUNT_LIMIT", "five a minute", "SIGN_IN_ACCOUNT_LIMIT"),
        ("SIGN_IN_ADDRESS_LIMIT", "", "SIGN_IN_ADDRESS_LIMIT"),
        ("TRUSTED_PROXIES", -1, "TRUSTED_PROXIES"),
        ("EXPORT_STORE_URL", "https://exports.example/highlight", "EXPORT_STORE_URL"),
        ("EXPORT_STORE_URL", "s3:///highlight", "EXPORT_STORE_URL"),
        ("EXPORT_STORE_CONNECT_TIMEOUT", 0, "EXPORT_STORE_CONNECT_TIMEOUT"),
        ("EXPORT_STORE_READ_TIMEOUT", -1.5, "EXPORT_STORE_READ_TIMEOUT"),
        ("EXPORT_STORE_ATTEMPTS", 0, "EXPORT_STORE_ATTEMPTS"),
    ],
)
def test_a_setting_that_cannot_be_used_stops_start_up_naming_it(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(Config, name, value)

    with pytest.raises(RuntimeError, match=message):
        Config(tmp_path)


def test_the_session_cookie_lasts_as_long_as_the_idle_timeout(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setattr(Config, "SESSION_IDLE_MINUTES", 20)

    lifetime = Config(tmp_path).PERMANENT_SESSION_LIFETIME

    assert lifetime == timedelta(minutes=20)


def test_migrations_run_as_the_owner_and_grant_the_app_role_named_by_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://highlight_app:a@db/highlight")
    monkeypatch.setenv("MIGRATION_DATABASE_URL", "postgres://highlight_owner:o@db/highlight")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.delenv("DATABASE_APP_ROLE", raising=False)
    config = Config(tmp_path)
    assert config.MIGRATION_DATABASE_URI == "postgresql+psycopg://highlight_owner:o@db/highlight"
    assert config.DATABASE_APP_ROLE == "highlight_app"
    monkeypatch.setenv("DATABASE_APP_ROLE", "highlight_readers")
    assert Config(tmp_path).DATABASE_APP_ROLE == "highlight_readers"


def test_one_role_for_both_grants_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://highlight:a@db/highlight")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.delenv("DATABASE_APP_ROLE", raising=False)
    monkeypatch.delenv("MIGRATION_DATABASE_URL", raising=False)
    assert Config(tmp_path).DATABASE_APP_ROLE is None
    monkeypatch.setenv("MIGRATION_DATABASE_URL", "postgresql://highlight:a@db/highlight")
    assert Config(tmp_path).DATABASE_APP_ROLE is None


def test_a_shared_database_needs_a_secret_key_set_for_every_server(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://highlight:a@db/highlight")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set when the database is PostgreSQL"):
        Config(tmp_path)
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert Config(tmp_path).SECRET_KEY == "k" * 40
    # Every server opens the second factors the others sealed: the key is set, never made on one disk.
    monkeypatch.delenv("TOTP_ENCRYPTION_KEY")
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEY must be set when the database is PostgreSQL"):
        Config(tmp_path)
    assert not (tmp_path / "totp_encryption_key").exists()


def test_the_job_queue_setting_is_checked(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = Config(tmp_path)
    config.JOB_QUEUE = "database"
    with pytest.raises(RuntimeError, match="JOB_QUEUE=database needs PostgreSQL"):
        config.check()
    config.JOB_QUEUE = "redis"
    with pytest.raises(RuntimeError, match="JOB_QUEUE must be database or in-process"):
        config.check()


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"OIDC_ISSUER": "https://login.example.org/tenant/v2.0"}, "OIDC_CLIENT_ID"),
        ({"OIDC_CLIENT_SECRET": "secret"}, "OIDC_ISSUER"),
        (
            {"OIDC_ISSUER": "http://login.example.org", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"},
            "OIDC_ISSUER must be an https",
        ),
        ({"PASSWORD_SIGN_IN": False}, "PASSWORD_SIGN_IN=0"),
    ],
)
def test_a_sign_in_setting_that_cannot_be_used_stops_start_up(monkeypatch, tmp_path, settings, message):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in settings.items():
        monkeypatch.setattr(Config, name, value)
    with pytest.raises(RuntimeError, match=message):
        Config(tmp_path)


def test_single_sign_on_alone_may_turn_passwords_off(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = {"OIDC_ISSUER": "https://login.example.org/t/v2.0", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"}
    for name, value in {**settings, "PASSWORD_SIGN_IN": False}.items():
        monkeypatch.setattr(Config, name, value)
    assert Config(tmp_path).OIDC_ENABLED
