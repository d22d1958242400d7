"""Fixtures. The schema comes from the real migrations (so triggers and indexes are tested too), built once per
run; each test then gets a fresh copy: a copied SQLite file, or emptied tables on PostgreSQL when
TEST_DATABASE_URL is set."""

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import g
from flask_migrate import upgrade
from jinja2 import BytecodeCache

from app import create_app
from app.auth.sessions import SignedInClient
from app.config import TestConfig
from app.extensions import db as _db
from app.services import users

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# The ``server`` fixture: the app on a loopback port, for the concurrency tests.
pytest_plugins = ["tests.live_server"]


def pytest_collection_modifyitems(config, items):
    """Several servers share a PostgreSQL database: on SQLite those tests are deselected (counted as such in the
    summary), never skipped; with TEST_DATABASE_URL they run."""
    if POSTGRES_URL:
        return
    needing = [item for item in items if item.get_closest_marker("servers")]
    if needing:
        items[:] = [item for item in items if not item.get_closest_marker("servers")]
        config.hook.pytest_deselected(items=needing)


def _to_psycopg(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once. Yields a factory of per-test database URIs."""
    tmp = tmp_path_factory.mktemp("db")
    if POSTGRES_URL:
        admin_url = sa.engine.make_url(_to_psycopg(POSTGRES_URL))
        # One database per test process (xdist worker), dropped at the end of the run.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"highlight_test_{worker}_{uuid.uuid4().hex[:8]}"
        admin_engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        _migrate(url, tmp)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            tables = conn.scalars(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename<>'alembic_version'")
            ).all()
            superuser = conn.scalar(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        if superuser:
            # TRUNCATE makes new files for every table (most of a second per test). Deleting the rows is a few
            # milliseconds; the replica role skips the triggers that keep history append-only (and the
            # foreign-key checks), then the sequences start again at 1 as RESTART IDENTITY would.
            # Table names come from pg_tables above, not from input.
            deletes = " ".join(f'DELETE FROM "{table}";' for table in tables)  # noqa: S608
            restart = (
                "SELECT setval(oid, 1, false) "
                "FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
            )
            empty = f"SET LOCAL session_replication_role = replica; {deletes} {restart};"
        else:
            # As the owner: the tables of record refuse TRUNCATE (their triggers), so switch those off around it.
            switch = [f'ALTER TABLE "{table}" {{}} TRIGGER USER;' for table in tables]
            empty = " ".join(
                [*(s.format("DISABLE") for s in switch), f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE;"]
                + [s.format("ENABLE") for s in switch]
            )

        def fresh(_test_dir: Path) -> str:
            with engine.begin() as conn:
                conn.exec_driver_sql(empty)
            return url

        yield fresh
        engine.dispose()
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()
    else:
        template = tmp / "template.db"
        _migrate(f"sqlite:///{template}", tmp)

        def fresh(test_dir: Path) -> str:
            target = test_dir / f"test-{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(template, target)
            return f"sqlite:///{target}"

        yield fresh


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new database with nothing in it, on the engine under test (dropped afterwards)."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin_url = sa.engine.make_url(_to_psycopg(POSTGRES_URL))
    name = f"highlight_empty_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrate(url: str, instance_dir: Path) -> None:
    app = create_app(TestConfig(url, instance_dir))
    with app.app_context():
        upgrade(revision="heads")
        _db.engine.dispose()


class _TemplateCache(BytecodeCache):
    """Compiled templates kept in memory for the whole run. Every test builds a new app, and a new app would
    otherwise compile every template (GOV.UK Frontend's macros are large) again; a changed source still recompiles."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = _TemplateCache()


def make_test_app(database_uri: str, instance_dir: Path, **settings):
    """The app under test: TestConfig (with ``settings`` over it) on the given database, signed-in test clients,
    shared compiled templates."""
    config = TestConfig(database_uri, instance_dir)
    for name, value in settings.items():
        setattr(config, name, value)
    app = create_app(config)
    app.test_client_class = SignedInClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE

    # pytest-flask keeps one app context open for the test, so every request shares its ``g``. Forget the
    # user Flask-Login cached there, as a real server (one context per request) would.
    @app.before_request
    def _forget_cached_user() -> None:
        g.pop("_login_user", None)

    return app


@pytest.fixture(scope="session", autouse=True)
def _hash_each_password_once():
    """argon2id with its real parameters is slow on purpose (most of the demo's load time), and a run hashes the
    same few passwords over and over: hash each once, then hand out that same real hash (salt included)."""
    hashes: dict[str, str] = {}
    original = users.hash_password

    def hash_password(password: str) -> str:
        if password not in hashes:
            hashes[password] = original(password)
        return hashes[password]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "hash_password", hash_password)
        yield


@pytest.fixture
def app(database_template, tmp_path):
    app = make_test_app(database_template(tmp_path), tmp_path)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def session(db):
    return db.session


@pytest.fixture
def login_as(app):
    """``login_as(user)`` → a test client signed in as that user."""

    def make(user):
        return app.test_client(user=user)

    return make


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def out_of_band(fragment: BeautifulSoup, element_id: str):
    """The one out-of-band element of an htmx fragment with this id. They come inside <template> (so that they may
    follow a table row), whose content CSS selectors do not reach: each template is read on its own."""
    found = [
        element
        for template in fragment.find_all("template")
        for element in BeautifulSoup(template.decode_contents(), "html.parser").select(f"[id={element_id}]")
    ]
    (element,) = found
    assert element.has_attr("hx-swap-oob")
    return element


@pytest.fixture
def world(app):
    from tests.world import build_world

    return build_world()


@pytest.fixture
def work_off(app):
    """``work_off()`` runs every job waiting (``work_off(["packs"])``: on those queues only), as a worker would."""
    from app import jobs

    def run(queues: list[str] | None = None) -> None:
        jobs.backend(app).work_off(app, queues)

    return run


@pytest.fixture
def fetch_board_pack(work_off):
    """``fetch_board_pack(client, meeting_id)``: ask for the meeting's pack PDF, let its job draw it, download it."""
    from flask import url_for

    def fetch(client, meeting_id: int):
        asked = client.post(url_for("reports.board_pack", meeting_id=meeting_id))
        assert asked.status_code == 303, asked.status_code
        work_off(["packs"])
        return client.get(url_for("reports.board_pack_pdf", meeting_id=meeting_id))

    return fetch
