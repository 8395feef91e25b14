"""Packaging for saleor-support-plugin.

`migrations/` and `emails/` live at the repository root (the layout the project is known by) and are
installed inside the package as `saleor_support_plugin.migrations` and `saleor_support_plugin.emails`.
"""

from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="saleor-support-plugin",
    version="0.1.0",
    description="Customer support for Saleor: proactive delay notices and support cases linked to orders.",
    long_description=Path("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    python_requires=">=3.12",
    packages=[
        *find_packages(include=["saleor_support_plugin", "saleor_support_plugin.*"]),
        "saleor_support_plugin.migrations",
        "saleor_support_plugin.emails",
    ],
    package_dir={
        "saleor_support_plugin": "saleor_support_plugin",
        "saleor_support_plugin.migrations": "migrations",
        "saleor_support_plugin.emails": "emails",
    },
    package_data={
        "saleor_support_plugin.emails": ["*/*.txt", "*/*.html"],
        "saleor_support_plugin": ["locale/*/LC_MESSAGES/*.po", "locale/*/LC_MESSAGES/*.mo"],
        "saleor_support_plugin.dashboard": ["templates/*.html", "static/*"],
        "saleor_support_plugin.returns": ["*.html"],
    },
    include_package_data=True,
    install_requires=[
        "Django>=4.2",
        "django-anymail>=15.2",
        "celery>=5.3",
        "pybars3>=0.9.7",
        # Bounce detection (Mailman's detectors); <7: inbound_mail reads its detector list.
        "flufl.bounce>=6,<7",
        # New text apart from quoted mail, quote headers in many languages.
        "mail-parser-reply>=1.36",
        # Dates and times in the reader's language with the store's time zone named (CLDR data).
        "Babel>=2.12",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "pytest-django>=4.8",
            "psycopg[binary]>=3.1",
            "ruff>=0.6",
            "mypy>=1.10",
            "django-stubs>=5.0",
            "redis>=5",
            # Every provider in the tests: Postal (cryptography), Resend (svix), and Amazon SES through boto3 at
            # Saleor's own version (below anymail's `amazon-ses` extra, which asks for a newer one), stubbed with
            # botocore's Stubber for sending; responses stubs the transport where a webhook fetches the message.
            "django-anymail[postal,resend]",
            "boto3>=1.24",
            "responses>=0.23",
            "hypothesis>=6.100",
            # The layout's import contracts (pyproject.toml [tool.importlinter], tests/test_architecture.py).
            "import-linter>=2.1",
        ],
        # The browser tests (tests/in_saleor/test_dashboard_browser.py) drive Debian's chromium with it.
        "browser": ["playwright>=1.45"],
        # What tests/run.py installs into the Saleor environment: the browser tests' Playwright, and hypothesis
        # for the API fuzz test (tests/in_saleor/test_support_api_fuzz.py).
        "saleor-tier": ["playwright>=1.45", "hypothesis>=6.100"],
    },
    entry_points={
        "saleor.plugins": [
            "saleor_support_plugin = saleor_support_plugin.plugin:SupportPlugin",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 3.12",
        "License :: OSI Approved :: BSD License",
    ],
)
