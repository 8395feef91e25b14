"""The test command: `python tests/run.py [--tier ci|saleor] [pytest arguments]`.

1. Starts PostgreSQL on 127.0.0.1 (tests/postgres_server.py).
2. Runs the Saleor-free tier with this interpreter: the support domain on real PostgreSQL.
3. Runs the Saleor tier (tests/in_saleor, marker `saleor`) with the Python of a Saleor 3.23 environment, found
   through the SUPPORT_SALEOR_PYTHON environment variable or the first line of
   ~/.config/saleor-support-plugin/saleor-python; where there is none, says loudly that it was skipped.
4. Stops PostgreSQL. Exits non-zero if either tier failed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.postgres_server import PostgresServer  # noqa: E402

CONFIG_FILE = Path.home() / ".config" / "saleor-support-plugin" / "saleor-python"
SALEOR_SERIES = "3.23."
BANNER = "=" * 100


def find_saleor_python() -> tuple[str | None, str]:
    """The Saleor environment's interpreter and a sentence on how it was (not) found."""
    candidate = os.environ.get("SUPPORT_SALEOR_PYTHON", "").strip()
    source = "SUPPORT_SALEOR_PYTHON"
    if not candidate and CONFIG_FILE.exists():
        candidate = CONFIG_FILE.read_text().splitlines()[0].strip() if CONFIG_FILE.read_text().strip() else ""
        source = str(CONFIG_FILE)
    if not candidate:
        return None, f"neither SUPPORT_SALEOR_PYTHON nor {CONFIG_FILE} names a Saleor environment's python"
    try:
        probe = subprocess.run(
            [candidate, "-c", "import saleor; print(saleor.__version__)"], capture_output=True, text=True
        )
    except OSError as error:
        return None, f"{candidate} (from {source}) cannot be run: {error}"
    if probe.returncode != 0:
        return None, f"{candidate} (from {source}) cannot import saleor: {probe.stderr.strip()[-300:]}"
    version = probe.stdout.strip()
    if not version.startswith(SALEOR_SERIES):
        return None, f"{candidate} has Saleor {version}; this plugin targets Saleor {SALEOR_SERIES}x"
    return candidate, f"Saleor {version} at {candidate}"


def ensure_plugin_installed(python: str) -> None:
    """Install this checkout (editable) into the Saleor environment, as a merchant would with pip, with the
    `saleor-tier` extra (Playwright, which drives Debian's chromium in the browser tests; hypothesis, for the
    API fuzz test)."""
    probe = subprocess.run(
        [
            python,
            "-c",
            "import saleor_support_plugin, anymail, playwright, hypothesis; print(saleor_support_plugin.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd="/",
    )
    if probe.returncode == 0 and Path(probe.stdout.strip()).resolve().is_relative_to(REPO):
        return
    uv = Path(python).parent / "uv"
    command = (
        [str(uv), "pip", "install", "--python", python, "-e", f"{REPO}[saleor-tier]"]
        if uv.exists()
        else [python, "-m", "pip", "install", "-e", f"{REPO}[saleor-tier]"]
    )
    print(f"Installing the plugin into the Saleor environment: {' '.join(command)}", flush=True)
    subprocess.run(command, check=True)


def run_pytest(python: str, arguments: list[str], env: dict[str, str]) -> int:
    command = [python, "-m", "pytest", *arguments]
    print(f"$ {' '.join(command)}", flush=True)
    return subprocess.run(command, cwd=REPO, env=env).returncode


def main(arguments: list[str]) -> int:
    tier, extra = split_tier(arguments)
    saleor_python, how = find_saleor_python() if tier != "ci" else (None, "--tier ci was given")
    with PostgresServer() as server:
        env = {**os.environ, **server.env}
        ci_status = 0
        if tier != "saleor":
            ci_status = run_pytest(sys.executable, ["tests", "--ds=tests.settings", *extra], env)
        if saleor_python is None:
            print(f"\n{BANNER}\nSALEOR TIER SKIPPED: {how}.\nSee README.md, 'Running the Saleor tier'.\n{BANNER}")
            saleor_status = 0
        else:
            print(f"\nSaleor tier against {how}", flush=True)
            ensure_plugin_installed(saleor_python)
            paths = [] if any(arg.startswith("tests/in_saleor") for arg in extra) else ["tests/in_saleor"]
            saleor_status = run_pytest(
                saleor_python, [*paths, "--ds=tests.in_saleor.settings", "--reuse-db", *extra], env
            )
    ci = "not run" if tier == "saleor" else "passed" if ci_status == 0 else "FAILED"
    in_saleor = "skipped" if saleor_python is None else "passed" if saleor_status == 0 else "FAILED"
    print(f"Saleor-free tier: {ci}; Saleor tier: {in_saleor}.")
    return ci_status or saleor_status


def split_tier(arguments: list[str]) -> tuple[str, list[str]]:
    """`--tier ci` or `--tier saleor` runs one tier; everything else goes to pytest."""
    if "--tier" in arguments:
        index = arguments.index("--tier")
        tier = arguments[index + 1] if index + 1 < len(arguments) else ""
        if tier not in ("ci", "saleor"):
            raise SystemExit("--tier takes ci or saleor")
        return tier, arguments[:index] + arguments[index + 2 :]
    return "all", arguments


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
