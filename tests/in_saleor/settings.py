"""Saleor's own test settings. The plugin reaches INSTALLED_APPS the way it does in production: through its
`saleor.plugins` entry point, which `saleor.settings` reads (the test runner installs this checkout into the
Saleor environment). Saleor's test settings empty PLUGINS; tests enable the plugin themselves."""

import importlib.util
import sys
from pathlib import Path

from saleor.tests.settings import *  # noqa: F403

if "saleor_support_plugin" not in INSTALLED_APPS:  # noqa: F405
    raise RuntimeError(
        "saleor_support_plugin is not installed in this Saleor environment: "
        "`pip install -e <plugin checkout>` into it (tests/run.py does)."
    )

# The plugin's migrations are installed from the repository's `migrations/` folder (setup.py's package_dir).
# When the Saleor environment has another checkout installed and PYTHONPATH points at this one, the package
# is imported from here but `saleor_support_plugin.migrations` would still come from there: use this one's.
MIGRATION_MODULES = {"saleor_support_plugin": "migrations"}

# The same for `saleor_support_plugin.emails` (the repository's `emails/` folder): the email templates of this
# checkout, not of the one installed in the Saleor environment.
if True:
    import importlib.util
    import sys
    from pathlib import Path

    _emails = Path(__file__).resolve().parents[2] / "emails"
    _spec = importlib.util.spec_from_file_location(
        "saleor_support_plugin.emails", _emails / "__init__.py", submodule_search_locations=[str(_emails)]
    )
    if _spec and _spec.loader and "saleor_support_plugin.emails" not in sys.modules:
        _module = importlib.util.module_from_spec(_spec)
        sys.modules["saleor_support_plugin.emails"] = _module
        _spec.loader.exec_module(_module)
