"""Imports run one way (docs/architecture.md): each app imports only the layers beneath it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each app may import of the others: the arrows of docs/architecture.md.
ALLOWED = {
    "core": set(),
    "staff": {"core"},
    "campaign": {"core"},
    "petitions": {"core", "staff", "campaign"},
    "deliveries": {"core", "staff", "campaign", "petitions"},
    "updates": {"core", "staff", "campaign", "petitions"},
}


def _imported_apps(path: Path) -> set[str]:
    """Return the apps a module imports, at its top or inside a function."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        imported.update(name.split(".")[0] for name in names)
    return imported & (ALLOWED.keys() | {"config"})


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_layers_beneath_it(app):
    against_the_grain = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) - ALLOWED[app] - {app})
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }

    assert {path: apps for path, apps in against_the_grain.items() if apps} == {}


def test_the_check_sees_an_import_against_the_grain(tmp_path):
    module = tmp_path / "services.py"
    module.write_text(
        "def f():\n    from deliveries import runs\n\nfrom petitions.models import Petition\n"
    )

    assert _imported_apps(module) == {"deliveries", "petitions"}
