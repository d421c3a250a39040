"""The layout of DESIGN §10 holds: imports only go down the list of apps, none is hidden in a
function to dodge a cycle, and no module grows past what one reader keeps in mind."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first. An app may import the apps of a lower rank, never one of its own rank or above:
# the ledger and the demo data both build on repatriation and know nothing of each other.
RANKS = {
    "core": 0,
    "accounts": 1,
    "casualties": 2,
    "repatriation": 3,
    "identification": 4,
    "ledger": 5,
    "demo": 5,
    "config": 6,
}
MAX_LINES = 300


def modules():
    for app in RANKS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield app, path


def imported(tree: ast.AST):
    """(module name, line, inside a function?) for each import of one of our apps."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in RANKS:
                yield name, node.lineno, node.col_offset > 0


def upward_imports(app: str, source: str) -> list[str]:
    return [
        f"line {line}: {name}"
        for name, line, _inner in imported(ast.parse(source))
        if (target := name.split(".")[0]) != app and RANKS[target] >= RANKS[app]
    ]


def inner_imports(source: str) -> list[str]:
    return [f"line {line}: {name}" for name, line, inner in imported(ast.parse(source)) if inner]


def test_the_checks_see_an_upward_and_a_hidden_import():
    source = "import core.audit\n\ndef f():\n    from ledger.views import ledger_list\n"
    assert upward_imports("casualties", source) == ["line 4: ledger.views"]
    assert upward_imports("demo", "from ledger import sql\n") == ["line 1: ledger"]
    assert inner_imports(source) == ["line 4: ledger.views"]


@pytest.mark.parametrize("app", RANKS)
def test_no_module_imports_an_app_above_its_own(app):
    found = {
        str(path.relative_to(ROOT)): upward_imports(app, path.read_text())
        for module_app, path in modules()
        if module_app == app
    }
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_no_import_of_our_apps_hides_in_a_function():
    # Migrations run their data steps with the code of their day: they may import inside a
    # function, as Django's own documentation does.
    found = {
        str(path.relative_to(ROOT)): inner_imports(path.read_text())
        for _app, path in modules()
        if "migrations" not in path.parts
    }
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_every_module_stays_short():
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for _app, path in modules()
        if "migrations" not in path.parts
    }
    assert {path: n for path, n in lengths.items() if n > MAX_LINES} == {}
