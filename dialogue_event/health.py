"""Checks behind /healthz: each answers whether one service can be used now."""

import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from .celery import app as celery_app
from .tasks import HEARTBEAT_CACHE_KEY

logger = logging.getLogger(__name__)


def database_is_up():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database is down", exc_info=True)
        return False
    return True


def broker_is_up():
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
            broker.ensure_connection(max_retries=1, timeout=celery_app.conf.broker_connection_timeout)
    except Exception:  # kombu raises whatever the transport raises
        logger.warning("Health check: the broker is down", exc_info=True)
        return False
    return True


def seconds_since_last_heartbeat():
    """Age of the last task a worker ran for beat, or None when unknown."""
    try:
        last = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:  # the cache is Redis: down with the broker
        return None
    if last is None:
        return None
    return round((timezone.now() - datetime.fromisoformat(last)).total_seconds())
