import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_event.settings")

app = Celery("dialogue_event")
# Every Celery setting lives in Django's settings, prefixed CELERY_, so that
# one place (and one set of environment variables) configures web and worker.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
