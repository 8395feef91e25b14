"""The layout's rules hold: import-linter checks the contracts in pyproject.toml ([tool.importlinter]).

core imports nothing of the plugin; email only core; delays and inbound may use cases, never the reverse; no
capability imports tasks, graphql, dashboard, host, plugin, apps or management; graphql and dashboard never
import each other. A violating import, even one inside a function, fails this test with the import chain.
And no module changes anything (Saleor above all) when it is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
PACKAGE = PYPROJECT.parent / "saleor_support_plugin"


def test_the_import_contracts_are_kept(capsys):
    exit_code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)

    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert "3 kept, 0 broken" in report


def module_level_calls(path: Path) -> list[str]:
    """Bare calls among a module's top-level statements: the way a module changes something when imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {ast.unparse(node)}"
        for node in tree.body
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    ]


def test_no_module_changes_anything_when_imported():
    # Registering with Saleor (the permission, the schema, the beat entry) happens in apps.py's app loading.
    calls = [call for path in sorted(PACKAGE.rglob("*.py")) for call in module_level_calls(path)]

    assert calls == []
