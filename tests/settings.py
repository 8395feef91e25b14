"""Django settings for the Saleor-free tier: the support domain on a real PostgreSQL, no Saleor."""

import os

SECRET_KEY = "saleor-support-plugin-tests"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "saleor_support_plugin",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("SUPPORT_TEST_PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("SUPPORT_TEST_PGPORT", "5432"),
        "NAME": "support",
        "USER": os.environ.get("SUPPORT_TEST_PGUSER", "support"),
        "PASSWORD": "",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
DEFAULT_FROM_EMAIL = "shop@example.com"
ANYMAIL: dict[str, str] = {}
# The Saleor-free tier reads orders from an in-memory store (tests/order_store.py) instead of Saleor.
SUPPORT_PLUGIN_RUNTIME = "tests.order_store.load_test_runtime"
