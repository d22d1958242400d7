"""docs/architecture.md names only what is there. Each table row (and each paragraph) is checked on its own:

- every path in backticks exists (``<feature>`` and ``*`` stand for any name; a folder stands for its files);
- every name in backticks is found in a file the same row names, or, on a row that names no file, in the code.
  A name the project's Python defines (a function, class, attribute or constant) must be defined in one of the
  row's Python files, so a function that moved is caught even where the old file still calls it; any other name
  (a table, a setting, a template block or macro, a CSS class, a word of SQL) must appear in one of the row's files;
- every URL path in backticks (``/healthz``) and every ``flask`` command appears in one of the row's files.
"""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "docs" / "architecture.md"

# Folders the running app makes (not in the repository): named on the map, never checked.
RUNTIME = {"instance"}
TOP_LEVEL = {p.name for p in ROOT.iterdir() if not p.name.startswith(".")} - RUNTIME
EXTENSIONS = {"py", "html", "md", "css", "scss", "js", "toml", "yaml", "txt", "json"}
PATH = re.compile(r"[\w.*<>-]+(?:/[\w.*<>-]*)*")
NAME = re.compile(r"@?[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*")
URL = re.compile(r"/[\w./-]+")
COMMAND = re.compile(r"flask ([\w-]+)")
# Where a name on a row that names no file is looked for.
CODE = ("app", "migrations", "templates", "static", "assets", "bench", "deploy")
CODE_FILES = ("gunicorn.conf.py", "pyproject.toml", "Makefile", "Dockerfile", "compose.yaml", ".pre-commit-config.yaml")


def _units(text: str) -> list[tuple[int, str]]:
    """Each table row on its own, each other paragraph whole, with the line it starts on."""
    units: list[tuple[int, str]] = []
    paragraph: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("|") or not line.strip():
            if paragraph:
                units.append((start, " ".join(paragraph)))
                paragraph = []
            if line.startswith("|"):
                units.append((number, line))
        else:
            if not paragraph:
                start = number
            paragraph.append(line)
    if paragraph:
        units.append((start, " ".join(paragraph)))
    return units


def _is_path(token: str) -> bool:
    if not PATH.fullmatch(token) or token.split("/")[0] in RUNTIME:
        return False
    return "/" in token or token in TOP_LEVEL or ("." in token and token.rsplit(".", 1)[-1] in EXTENSIONS)


def _files(token: str) -> list[Path]:
    """The files a backticked path names."""
    pattern = re.sub(r"<[^>]*>", "*", token).rstrip("/")
    found = []
    for match in ROOT.glob(pattern):
        found += [p for p in match.rglob("*") if p.is_file()] if match.is_dir() else [match]
    return [p for p in found if "__pycache__" not in p.parts]


@cache
def _defined(path: Path) -> frozenset[str]:
    """The names a Python file defines: functions, classes, and what is assigned (variables, constants, class
    attributes and fields, ``self.x``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        names.add(leaf.id)
                    elif isinstance(leaf, ast.Attribute):
                        names.add(leaf.attr)
    return frozenset(names)


@cache
def _text(path: Path) -> str:
    return path.read_text(errors="replace")


def _mentions(path: Path, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", _text(path)) is not None


@cache
def _code_files() -> tuple[Path, ...]:
    files = [p for folder in CODE for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return (*files, *(ROOT / name for name in CODE_FILES))


@cache
def _python_names() -> frozenset[str]:
    """Every name the project's Python defines, but the settings (upper-case names in app/config.py), which the
    code reads by their names as strings."""
    defined = frozenset().union(*(_defined(p) for p in _code_files() if p.suffix == ".py"))
    return defined - {name for name in _defined(ROOT / "app" / "config.py") if name.isupper()}


def _has(path: Path, name: str) -> bool:
    if name in _python_names() and path.suffix == ".py":
        return name in _defined(path)
    return _mentions(path, name)


def _words(token: str) -> list[str]:
    """What must be found of a token that is not a path: each part of a dotted name, a URL path, a command's name;
    nothing of anything else (a setting's value, a make target, a placeholder)."""
    if NAME.fullmatch(token):
        return token.lstrip("@").split(".")
    if URL.fullmatch(token):
        return [token]
    command = COMMAND.fullmatch(token)
    return [command.group(1)] if command else []


def _problems(text: str) -> list[str]:
    problems = []
    for line, unit in _units(text):
        tokens = re.findall(r"`([^`]+)`", unit)
        paths = [token for token in tokens if _is_path(token)]
        files = []
        for path in paths:
            named = _files(path)
            if not named:
                problems.append(f"line {line}: `{path}` does not exist")
            files += named
        for token in tokens:
            for word in [] if token in paths else _words(token):
                if files and not any(_has(path, word) for path in files):
                    problems.append(f"line {line}: `{token}`: {word} is not in {', '.join(paths)}")
                elif not files and not any(_mentions(path, word) for path in _code_files()):
                    problems.append(f"line {line}: `{token}`: {word} is not in the code")
    return problems


def test_every_path_and_name_on_the_map_is_there():
    assert _problems(MAP.read_text()) == []


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("| rule | `app/domain/nowhere.py` |", "`app/domain/nowhere.py` does not exist"),
        ("| rule | `app/services/nowhere/` |", "`app/services/nowhere/` does not exist"),
        ("| rule | `app/domain/rag.py` (`no_such_function`) |", "no_such_function is not in app/domain/rag.py"),
        ("| rule | `NoSuchClass` in `app/domain/rag.py` |", "NoSuchClass is not in app/domain/rag.py"),
        # Imported and called there, defined elsewhere (app/services/plan_view.py).
        ("| rule | `load_plans` in `app/services/dashboard.py` |", "load_plans is not in app/services/dashboard.py"),
        ("| rule | `AuditEvent.no_such_field` in `app/models/audit.py` |", "no_such_field is not in"),
        ("| rule | `no_macro` in `templates/components/rag.html` |", "no_macro is not in templates/components/"),
        ("| rule | `/no-such-page` in `app/ops/routes.py` |", "/no-such-page is not in app/ops/routes.py"),
        ("| rule | `flask no-such-command` in `app/cli.py` |", "no-such-command is not in app/cli.py"),
        ("| state | table `no_such_table` | |", "no_such_table is not in the code"),
        ("Each feature's `tests/<feature>/no_such_file.py`.", "does not exist"),
    ],
)
def test_the_check_finds_what_is_not_there(row, problem):
    problems = _problems(row)
    assert len(problems) == 1 and problem in problems[0]


def test_the_check_passes_what_is_there():
    rows = (
        "| rule | `direction_of_travel`, `score_trend` in `app/domain/rag.py` |\n"
        "| rule | `AuditEvent.replaced_comment` in `app/models/audit.py` |\n"
        "| rule | `status_tag` in `templates/components/rag.html` |\n"
        "| rule | `@permission_required` (`public`) in `app/web/permissions.py` |\n"
        "| rule | `ReportModel` in `app/services/report_model/`; `METRICS_TOKEN`, `/metrics` in `app/ops/routes.py` |\n"
        "| rule | `flask set-password` in `app/cli.py`; `app-table--stack` in `assets/scss/app.scss` |\n"
        "| state | table `rate_limit_counters`, `users.session_token` | one `SECRET_KEY`, `database://` |\n"
        "Each feature's `tests/<feature>/route_expectations.py`; `Dockerfile`, `instance/exports/`, `make run`.\n"
    )
    assert _problems(rows) == []
