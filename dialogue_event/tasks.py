from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "celery-heartbeat"


@shared_task(ignore_result=True)
def heartbeat():
    """Record that beat scheduled and a worker ran a task just now.

    /healthz reports the age of the last heartbeat, so an operator can tell a
    stopped worker or beat from a quiet one. Running it twice is harmless.
    """
    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().isoformat(), timeout=None)
