"""Conventions every route and module keep."""

import ast
import re
import sys
from pathlib import Path

import pytest

import app as package
import app.reports as reports
from app import create_app
from app.config import TestConfig
from app.web.permissions import MACHINE, PUBLIC

ROOT = Path(__file__).resolve().parent.parent


def test_every_route_declares_its_permission(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and getattr(app.view_functions[rule.endpoint], "required_permission", None) is None
    ]
    assert not missing, f"routes without @permission_required or @public: {missing}"


def _routes_marked(app, marker: str) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions.get(rule.endpoint), "required_permission", None) == marker
    )


def test_public_routes_are_only_signing_in_health_and_readiness(app):
    """Deliberately few: signing in and the steps before it (a second factor, single sign-on, links sent by email),
    and what a load balancer asks before any sign-in (process up, ready)."""
    assert _routes_marked(app, PUBLIC) == [
        "auth.accept_invitation",
        "auth.forgot_password",
        "auth.login",
        "auth.reset_password",
        "auth.second_factor",
        "auth.set_up_second_factor",
        "auth.sso_callback",
        "auth.sso_start",
        "dashboard.health",
        "ops.healthz",
        "ops.readyz",
    ]


def test_the_only_route_for_machines_with_a_bearer_token_is_metrics(app):
    assert _routes_marked(app, MACHINE) == ["ops.metrics"]


def test_url_paths_are_kebab_case(app):
    bad = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        static_parts = re.sub(r"<[^>]+>", "", rule.rule)
        if not re.fullmatch(r"[a-z0-9/\-.]*", static_parts):
            bad.append(rule.rule)
    assert not bad


def test_url_parameters_are_typed(app):
    untyped = [r.rule for r in app.url_map.iter_rules() if re.search(r"<(?![a-z]+:)[^>]+>", r.rule)]
    assert not untyped or untyped == ["/static/<path:filename>"]


def test_domain_imports_nothing_from_flask_or_the_database():
    for path in (ROOT / "app" / "domain").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                assert root not in {"flask", "flask_wtf", "flask_login", "sqlalchemy", "wtforms"}, (
                    f"{path.name}: {name}"
                )
                assert not name.startswith(("app.models", "app.services", "app.extensions")), f"{path.name}: {name}"


def test_every_post_form_carries_a_csrf_token():
    missing = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", text, flags=re.S | re.I):
            if "csrf_token" not in form:
                missing.append(path.name)
    assert not missing


def test_a_feature_that_cannot_be_imported_stops_start_up(tmp_path, monkeypatch):
    """Features and commands are registered by name: a broken import fails loudly instead of hiding a feature."""
    for parent, name in ((package, "risks"), (reports, "cli")):
        with monkeypatch.context() as patch:
            # As if the module had a broken import: importing it now raises ImportError.
            patch.setitem(sys.modules, f"{parent.__name__}.{name}", None)
            patch.delattr(parent, name, raising=False)
            with pytest.raises(ImportError):
                create_app(TestConfig(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))


def test_the_repository_cites_only_its_own_documents():
    """The rules are stated in docs/rules.md; nothing points at a document that is not in the repository."""
    outside = ("DESIGN" + ".md", "STYLE" + ".md", "../" + "shared")
    folders = ("app", "templates", "docs", "tests", "bench", "migrations")
    files = [p for folder in folders for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".html", ".md"}]
    files += [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]
    citing = [str(p.relative_to(ROOT)) for p in files if any(name in p.read_text() for name in outside)]
    assert not citing


def test_the_rules_page_names_every_status_word_and_json_field():
    """docs/rules.md states the contracts the code keeps: the Status words and the report JSON's fields."""
    from app.domain.rag import STATUS_TEXTS
    from app.services.report_model.document import CHANGE_FIELDS, DECISION_FIELDS, MILESTONE_FIELDS, RISK_FIELDS

    rules = (ROOT / "docs" / "rules.md").read_text()
    assert all(word in rules for word in STATUS_TEXTS)
    for spec in (MILESTONE_FIELDS, RISK_FIELDS, CHANGE_FIELDS, DECISION_FIELDS):
        assert "{" + ",".join(spec.contract) + "}" in rules


def _domain_imports() -> dict[str, set[str]]:
    graph = {}
    for path in (ROOT / "app" / "domain").glob("*.py"):
        module = f"app.domain.{path.stem}"
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app.domain."):
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names if a.name.startswith("app.domain.")}
        graph[module] = imported
    return graph


def test_the_domain_has_no_import_cycle():
    graph = _domain_imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
