import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_event.settings")

app = Celery("dialogue_event")
# Every Celery setting lives in Django's settings, prefixed CELERY_, so that
# one place (and one set of environment variables) configures web and worker.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def use_worker_database_timeouts(**kwargs):
    """A worker's statements may run and wait for locks longer than a web request's: nobody is waiting.

    Sent in every worker before it connects to anything, whatever its pool;
    its processes open their database connections with these options.
    """
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"]["OPTIONS"]["options"] = settings.WORKER_DATABASE_OPTIONS
    # One opened while loading the worker would keep the web's timeouts.
    connections.close_all()
