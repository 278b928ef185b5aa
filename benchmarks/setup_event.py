"""Prepare (or inspect, or clean up after) the benchmark database; run by benchmarks/registration.py.

    DJANGO_SETTINGS_MODULE=benchmarks.settings DATABASE_URL=.../dialogue_event_bench \
        .venv/bin/python benchmarks/setup_event.py setup|form-cost|count|cleanup|teardown

setup    (re)creates the benchmark event with open registration and 1,000,000 seats, empties the
         benchmark_insert table and the sessions, and prints {"slug", "category", "district"} as JSON.
form-cost prints how long building and validating the registration form takes, in one process, saving nothing.
count    prints how many participants the event has and how many rows benchmark_insert holds.
cleanup  removes the benchmark's keys (rate-limit counters, queued email tasks) from Redis.
teardown removes the event with its participants and their messages, then cleans up as above.

It refuses to touch a database whose name does not end in "_bench".
"""

import datetime
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from agenda.models import Event  # noqa: E402
from benchmarks.views import TABLE  # noqa: E402
from participants.models import District, Participant, Region  # noqa: E402

SLUG = "benchmark-registration"


def _check_database():
    name = connection.settings_dict["NAME"]
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to use database {name!r}: the benchmark only writes to a database named *_bench.")


@transaction.atomic
def setup():
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, value text)")
        cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
        # Every registration starts a session; nothing else uses this database.
        cursor.execute("TRUNCATE django_session")
    _remove_event()
    now = timezone.now()
    starts_at = now + datetime.timedelta(days=30)
    event = Event.objects.create(  # its categories come from participants.signals
        slug=SLUG,
        title="Benchmark dialogue",
        theme="Women's leadership for peace",
        purpose="To measure the registration form.",
        city="Osh",
        venue="Conference hall",
        address="Lenin street 1, Osh",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=8),
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=10),
        capacity=1_000_000,
        open_registration=True,
        is_published=True,
        contact_email="dialogue@example.org",
    )
    region, _ = Region.objects.get_or_create(name="Benchmark region")
    district, _ = District.objects.get_or_create(region=region, name="Benchmark district")
    category = event.categories.filter(open_to_public=True).order_by("order").first()
    return {"slug": event.slug, "category": category.pk, "district": district.pk}


def count():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        inserted = cursor.fetchone()[0]
    return {"participants": Participant.objects.filter(event__slug=SLUG).count(), "benchmark_insert": inserted}


def form_cost(repeats=300):
    """Milliseconds to build and validate the public registration form once, as the POST does before saving.

    The part of a registration that no database design can make cheaper: it bounds the POST/INSERT ratio.
    """
    from django.http import QueryDict
    from django.utils import translation

    from benchmarks.registration_form import valid_registration
    from participants.forms import PublicRegistrationForm

    event = Event.objects.get(slug=SLUG)
    category = event.categories.filter(open_to_public=True).order_by("order").first()
    district = District.objects.get(name="Benchmark district")
    submissions = []
    for n in range(repeats):
        data = QueryDict(mutable=True)
        data.update(
            valid_registration(
                category=category.pk,
                district=district.pk,
                email=f"form-cost-{n}@example.org",
                phone=f"0701{n:06d}",
                submission_key=str(uuid.uuid4()),
            )
        )
        submissions.append(data)
    translation.activate("en")
    timings = []
    for data in submissions:
        started = time.perf_counter()
        form = PublicRegistrationForm(data, event=event)
        if not form.is_valid():
            raise RuntimeError(f"the benchmark's registration is not valid: {form.errors.as_json()}")
        timings.append(time.perf_counter() - started)
    measured = sorted(timings[repeats // 10 :])  # the first tenth warms the caches up
    return {"form_ms": 1000 * measured[len(measured) // 2]}


def teardown():
    """Remove the event and its participants, whose confirmations would otherwise wait in the outbox for a
    sweeper (the mail benchmarks run one), and the benchmark's Redis keys."""
    _remove_event()
    return cleanup()


def _remove_event():
    # Participants first: their category is PROTECTed, so the event cannot cascade to both.
    Participant.objects.filter(event__slug=SLUG).delete()
    Event.objects.filter(slug=SLUG).delete()


def cleanup():
    import redis

    removed = 0
    targets = [
        (settings.CELERY_BROKER_URL, [f"{settings.CELERY_TASK_DEFAULT_QUEUE}*"]),
        (settings.CACHES["ratelimit"]["LOCATION"], [f"{settings.CACHES['ratelimit']['KEY_PREFIX']}:*"]),
        (settings.CACHES["default"]["LOCATION"], [f"{settings.CACHES['default']['KEY_PREFIX']}:*"]),
    ]
    for url, patterns in targets:
        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        for pattern in patterns:
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                removed += client.delete(*keys)
    return {"redis_keys_removed": removed}


if __name__ == "__main__":
    actions = {"setup": setup, "count": count, "form-cost": form_cost, "cleanup": cleanup, "teardown": teardown}
    if len(sys.argv) != 2 or sys.argv[1] not in actions:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(actions)}")
    _check_database()
    print(json.dumps(actions[sys.argv[1]]()))
