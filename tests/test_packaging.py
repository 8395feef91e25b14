"""The wheel a merchant installs carries the root `migrations/` and `emails/` inside the package, the
translations, and the `saleor.plugins` entry point."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("saleor_support_plugin-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_contains_migrations_emails_and_translations(wheel):
    names = set(wheel.namelist())
    assert "saleor_support_plugin/migrations/0001_initial.py" in names
    assert "saleor_support_plugin/migrations/__init__.py" in names
    emails = (REPO / "emails").glob("*/*")
    templates = [path.relative_to(REPO).as_posix() for path in emails if path.suffix in (".txt", ".html")]
    # Each email's own files and the body the return emails share (emails/_return/, which they extend).
    assert {"emails/delay_notice/body.html", "emails/return_approved/body.html", "emails/_return/body.html"} <= set(
        templates
    )
    for template in templates:
        assert f"saleor_support_plugin/{template}" in names
    assert "saleor_support_plugin/locale/de/LC_MESSAGES/django.mo" in names
    assert not any(name.startswith(("tests/", "benchmarks/", "graphql/")) for name in names)


def test_wheel_contains_every_subpackage_and_the_dashboard_pages(wheel):
    names = set(wheel.namelist())
    for package in (REPO / "saleor_support_plugin").rglob("__init__.py"):
        assert f"{package.relative_to(REPO).as_posix()}" in names
    assert "saleor_support_plugin/graphql/mutations/support_case_reply.py" in names
    for asset in ("templates/order_widget.html", "templates/queue.html", "static/support.css", "static/support.js"):
        assert f"saleor_support_plugin/dashboard/{asset}" in names
    assert not any(name.startswith(("tests/", "benchmarks/", "graphql/")) for name in names)


def test_wheel_declares_the_saleor_plugin_entry_point(wheel):
    (entry_points,) = [name for name in wheel.namelist() if name.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[saleor.plugins]" in text
    assert "saleor_support_plugin = saleor_support_plugin.plugin:SupportPlugin" in text


def test_editable_install_finds_migrations_and_emails_at_the_repository_root():
    import saleor_support_plugin.emails
    import saleor_support_plugin.migrations

    assert Path(saleor_support_plugin.migrations.__file__).parent == REPO / "migrations"
    assert Path(saleor_support_plugin.emails.__file__).parent == REPO / "emails"
