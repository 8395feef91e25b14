"""A Celery app for the Saleor-free tier: tasks run eagerly, in the test's process."""

from celery import Celery

app = Celery("saleor-support-tests")
app.conf.task_always_eager = True
app.conf.task_eager_propagates = True
app.set_default()
