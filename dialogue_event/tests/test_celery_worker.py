import time

import pytest
from django.core.cache import cache

from dialogue_event.tasks import HEARTBEAT_CACHE_KEY, heartbeat


@pytest.mark.worker
def test_real_worker_runs_a_task_sent_through_redis(celery_worker_process):
    cache.delete(HEARTBEAT_CACHE_KEY)

    heartbeat.delay()

    deadline = time.monotonic() + 30
    while cache.get(HEARTBEAT_CACHE_KEY) is None:
        assert time.monotonic() < deadline, "the worker did not run the task within 30 seconds"
        time.sleep(0.2)


@pytest.mark.django_db
def test_healthz_reports_how_long_ago_the_worker_last_ran(client):
    heartbeat()

    body = client.get("/healthz").json()

    assert 0 <= body["worker_heartbeat_age_seconds"] < 5
