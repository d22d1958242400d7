"""The production recipe (Dockerfile, compose.yaml, deploy/) checked as far as a machine without a container
engine can: the files parse, every file they copy or mount exists, every command they run is one the app has, and
every setting they pass is documented."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("app1", "app2")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


def test_the_dockerfile_copies_only_files_that_exist_and_serves_the_wsgi_app():
    instructions = _dockerfile()
    assert instructions[0][0] == "FROM"
    copied = []
    for instruction, arguments in instructions:
        if instruction == "COPY":
            *sources, _target = shlex.split(arguments)
            copied += sources
    missing = [source for source in copied if not (ROOT / source).exists()]
    assert not missing
    assert {"app", "migrations", "templates", "static", "wsgi.py", "gunicorn.conf.py", "constraints.txt"} <= set(copied)
    cmd = dict(instructions)["CMD"]
    assert cmd == '["gunicorn", "wsgi:app"]'
    assert any(i == "RUN" and "-c constraints.txt" in a for i, a in instructions)  # the pinned versions
    assert ("USER", "highlight") in instructions


def test_compose_runs_postgresql_two_app_servers_one_worker_and_a_proxy(compose):
    services = compose["services"]
    assert set(services) == {"db", "migrate", *APP_SERVICES, "worker", "proxy"}
    assert services["db"]["image"].startswith("postgres:")
    for name in (*APP_SERVICES, "worker", "migrate"):
        assert services[name]["build"] == "."
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql://highlight_app:")
    for name in (*APP_SERVICES, "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["flask", "--app", "wsgi", "db", "upgrade"]
    assert services["migrate"]["environment"]["MIGRATION_DATABASE_URL"].startswith("postgresql://highlight_owner:")
    assert services["worker"]["command"] == ["flask", "--app", "wsgi", "worker"]
    assert all(services[name]["command"] == ["gunicorn", "wsgi:app"] for name in APP_SERVICES)
    # Every server signs sessions with the same key and trusts exactly the one proxy.
    settings = [services[name]["environment"] for name in (*APP_SERVICES, "worker")]
    assert all(s["SECRET_KEY"] == settings[0]["SECRET_KEY"] and s["TRUSTED_PROXIES"] == "1" for s in settings)
    # Every server, the worker and the migration (which seals the secrets already there) share the second factors' key.
    sealing = {services[name]["environment"]["TOTP_ENCRYPTION_KEY"] for name in (*APP_SERVICES, "worker", "migrate")}
    assert len(sealing) == 1 and "TOTP_ENCRYPTION_KEY:?" in sealing.pop()


def test_every_mounted_file_exists_and_the_proxy_spreads_over_both_app_servers(compose):
    mounts = [
        volume.split(":")[0]
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
        if volume.startswith("./")
    ]
    assert mounts and all((ROOT / mount).is_file() for mount in mounts)
    proxy = (ROOT / "deploy" / "nginx.conf").read_text()
    upstream = re.search(r"upstream highlight \{(.*?)\}", proxy, re.S).group(1)
    assert re.findall(r"server (\w+):8000", upstream) == list(APP_SERVICES)
    assert "proxy_set_header X-Request-ID $request_id;" in proxy


def test_the_commands_compose_runs_are_the_apps(app):
    commands = app.cli.list_commands(None)
    assert "worker" in commands and "db" in commands
    assert (ROOT / "wsgi.py").is_file()


def test_every_setting_compose_passes_is_documented(compose):
    readme = (ROOT / "README.md").read_text()
    names = {name for service in compose["services"].values() for name in service.get("environment", {})}
    names -= {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "APP_DB_PASSWORD"}  # the postgres image's
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert not undocumented
