"""Nothing a person waits for can hang: PostgreSQL and Redis give up within the timeouts of settings.py."""

import contextlib
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone
from psycopg2.errorcodes import LOCK_NOT_AVAILABLE

from agenda.tests.factories import EventFactory
from conftest import BASE_DIR, _database_url
from messaging.models import Message, MessageStatus
from participants.models import Participant
from participants.tasks import erase_after_retention
from participants.tests.factories import ParticipantFactory
from participants.tests.test_views import form_data


@pytest.fixture
def open_event():
    return EventFactory(registration_open=True)


@contextlib.contextmanager
def lock_held_elsewhere(sql, params):
    """Run `sql` in a transaction of another connection, as an organiser's long save would, until the block ends."""
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )  # fmt: skip
    try:
        other.cursor().execute(sql, params)
        yield
    finally:
        other.rollback()
        other.close()


@pytest.mark.django_db(transaction=True)
def test_registration_waiting_for_a_locked_row_gives_up_within_the_web_lock_timeout(client, open_event):
    with lock_held_elsewhere("SELECT id FROM agenda_event WHERE id = %s FOR UPDATE", [open_event.pk]):
        started = time.monotonic()
        # The 503 page is drawn from this error (dialogue_event/database_errors.py); the test client hands it on.
        with pytest.raises(OperationalError) as raised:
            client.post(f"/ru/events/{open_event.slug}/register/", form_data(open_event))
        waited = time.monotonic() - started

    assert raised.value.__cause__.pgcode == LOCK_NOT_AVAILABLE
    assert settings.DATABASE_LOCK_TIMEOUT <= waited < settings.DATABASE_LOCK_TIMEOUT + 2
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_web_request_statements_are_cancelled_well_before_gunicorn_kills_the_worker():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout'), current_setting('lock_timeout')")
        timeouts = cursor.fetchone()

    # Well under gunicorn's 30 s, also for a person whose registration waits behind others' (four times the lock's).
    assert timeouts == ("5s", "2s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_waits_for_a_lock_longer_than_a_web_request_may(celery_worker_process):
    """Erasing after the retention period waits for the event's row; a web request would have given up."""
    ended_long_ago = timezone.now() - datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 30)
    event = EventFactory(starts_at=ended_long_ago - datetime.timedelta(hours=8), ends_at=ended_long_ago)
    participant = ParticipantFactory(event=event, full_name="Гүлнара Асанова")

    with lock_held_elsewhere("SELECT id FROM agenda_event WHERE id = %s FOR UPDATE", [event.pk]):
        erase_after_retention.delay()
        time.sleep(settings.DATABASE_LOCK_TIMEOUT + 2)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            still_waiting = cursor.fetchone()[0]

    assert still_waiting == 1
    deadline = time.monotonic() + 30
    while Participant.objects.get(pk=participant.pk).erased_at is None:
        assert time.monotonic() < deadline, "the worker did not erase her once the lock was released"
        time.sleep(0.2)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def frozen_redis():
    """A Redis of the test's own, frozen (SIGSTOP): it takes connections but never answers, as a hung server does."""
    port = free_port()
    server = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "the test's Redis did not start"
                time.sleep(0.05)
        server.send_signal(signal.SIGSTOP)
        yield url
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


# A web process of its own, whose rate limits and broker use the frozen Redis: it opens the form, then posts it.
REGISTER_IN_A_WEB_PROCESS = """
import json, sys, time
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
path, data = sys.argv[1], json.loads(sys.argv[2])
client = Client()
client.get(path)
started = time.monotonic()
response = client.post(path, data)
print(json.dumps({"status": response.status_code, "location": response.get("Location"),
                  "seconds": time.monotonic() - started}))
"""


@pytest.mark.django_db(transaction=True)
def test_registration_succeeds_within_a_second_while_redis_hangs(open_event, frozen_redis):
    data = form_data(open_event)
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": frozen_redis}
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)

    result = subprocess.run(
        [sys.executable, "-c", REGISTER_IN_A_WEB_PROCESS, f"/ky/events/{open_event.slug}/register/", json.dumps(data)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 302 and answer["location"].endswith("/registered/"), answer
    # The two rate-limit calls and the publish each gave up after REDIS_SOCKET_TIMEOUT.
    assert answer["seconds"] < 1.0, answer
    participant = Participant.objects.get(email=data["email"])
    # Not handed to the workers: the sweeper sends it once Redis answers again.
    assert Message.objects.get(participant=participant).status == MessageStatus.QUEUED
