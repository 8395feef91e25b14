"""The layout's rules hold: import-linter checks the contracts in pyproject.toml ([tool.importlinter]).

core imports nothing of the plugin; email only core; delays and inbound may use cases, never the reverse; no
capability imports tasks, graphql, dashboard, host, plugin, apps or management; graphql and dashboard never
import each other. A violating import, even one inside a function, fails this test with the import chain.
"""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_the_import_contracts_are_kept(capsys):
    exit_code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)

    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert "3 kept, 0 broken" in report
