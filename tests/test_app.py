import datetime
from io import StringIO

from celery import Celery
from django.core.management import call_command

from saleor_support_plugin.apps import SCAN_SCHEDULE_NAME, register_periodic_scan
from saleor_support_plugin.management.progress import ProgressBar
from saleor_support_plugin.tasks import SCAN_TASK_NAME


def test_scan_joins_the_host_beat_schedule(settings):
    settings.SUPPORT_DELAY_SCAN_INTERVAL = 300
    app = Celery("host")
    app.conf.beat_schedule = {"existing": {"task": "x", "schedule": 60}}
    register_periodic_scan(app)
    assert app.conf.beat_schedule["existing"] == {"task": "x", "schedule": 60}
    entry = app.conf.beat_schedule[SCAN_SCHEDULE_NAME]
    assert entry["task"] == SCAN_TASK_NAME
    assert entry["schedule"] == datetime.timedelta(seconds=300)
    assert entry["options"] == {"expires": 300}


def test_scan_joins_a_schedule_that_is_configured_later(settings):
    app = Celery("host-not-configured-yet")
    register_periodic_scan(app)
    app.conf.update(beat_schedule={})  # configuring the app applies what was registered before
    app.loader.import_default_modules()
    app.finalize()
    assert SCAN_SCHEDULE_NAME in app.conf.beat_schedule


def test_migrations_match_the_models(db):
    out = StringIO()
    call_command("makemigrations", "saleor_support_plugin", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_progress_bar():
    stream = StringIO()
    bar = ProgressBar(4, "Scanning", stream, width=4)
    bar.advance(1)
    bar.advance(3)
    bar.close()
    assert stream.getvalue() == "\rScanning [#...] 1/4\rScanning [####] 4/4\n"
