"""Prepare (or inspect, or clean up after) the benchmark database; run by benchmarks/registration.py.

    DJANGO_SETTINGS_MODULE=benchmarks.settings DATABASE_URL=.../dialogue_event_bench \
        .venv/bin/python benchmarks/setup_event.py setup|form-cost|count|cleanup|teardown
        .venv/bin/python benchmarks/setup_event.py statements [--explain]
        .venv/bin/python benchmarks/setup_event.py people N

setup    (re)creates the benchmark event with open registration and 1,000,000 seats, empties the
         benchmark_insert and benchmark_form tables and the sessions, and prints {"slug", "category",
         "district"} as JSON.
form-cost prints how long building and validating the registration form takes, in one process, saving nothing.
statements registers a few people through Django's test Client (ALLOWED_HOSTS must accept "testserver") and
         prints every statement the database was sent for the last one, BEGIN and COMMIT included; with
         --explain also the plan of each SELECT, INSERT, UPDATE and DELETE, and what in them reads a large
         table whole.
people N adds N people already registered on the event, in bulk (no service, no message), then VACUUM ANALYZEs
         the participants' table.
count    prints how many participants the event has and how many rows benchmark_insert and benchmark_form hold.
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
from benchmarks.views import FORM_TABLE, TABLE  # noqa: E402
from participants.models import District, Participant, Region, Source, Status  # noqa: E402

SLUG = "benchmark-registration"
REGISTRATIONS = 3  # by the test Client, for the statements: the first ones fill the process's caches
SEQ_SCAN_ROWS = 100  # a table with more rows than this should be read through an index, not scanned whole
PEOPLE_BATCH = 2000  # people per INSERT: a bounded statement and memory, whatever N


def _check_database():
    name = connection.settings_dict["NAME"]
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to use database {name!r}: the benchmark only writes to a database named *_bench.")


@transaction.atomic
def setup():
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, value text)")
        cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FORM_TABLE} "
            "(id bigserial PRIMARY KEY, submission_key text, full_name text, email text, phone text)"
        )
        cursor.execute(f"TRUNCATE {FORM_TABLE} RESTART IDENTITY")
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
    rows = {}
    with connection.cursor() as cursor:
        for table in (TABLE, FORM_TABLE):
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows[table] = cursor.fetchone()[0]
    return {"participants": Participant.objects.filter(event__slug=SLUG).count(), **rows}


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


class StatementLog:
    """Everything one process sends PostgreSQL, in order, while installed: [(SQL, parameters or None)].

    execute_wrapper sees the statements Django runs, SAVEPOINT and RELEASE included, but not what psycopg2 sends
    by itself: the BEGIN before the first statement of a transaction and the COMMIT or ROLLBACK that ends it,
    nor the health check Django runs on a raw cursor (CONN_HEALTH_CHECKS) at a request's first use of the
    connection. Those are added from psycopg2's own transaction state, at the moment it sends them.
    """

    def __init__(self):
        self.statements = []

    def __enter__(self):
        from django.db import DEFAULT_DB_ALIAS, connections

        self.db = connections[DEFAULT_DB_ALIAS]
        originals = {"_commit": self.db._commit, "_rollback": self.db._rollback, "is_usable": self.db.is_usable}

        def ending(name, original):
            def call():
                if self._in_transaction():  # psycopg2 sends nothing when no transaction was begun
                    self.statements.append((name, None))
                return original()

            return call

        def health_check():
            if self.db.connection is not None:
                self._note_begin()
                self.statements.append(("SELECT 1  -- health check (CONN_HEALTH_CHECKS)", None))
            return originals["is_usable"]()

        # Instance attributes over the methods, for this block only: benchmark code, never the application's.
        self.db._commit = ending("COMMIT", originals["_commit"])
        self.db._rollback = ending("ROLLBACK", originals["_rollback"])
        self.db.is_usable = health_check
        self.wrapper = self.db.execute_wrapper(self._execute)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *exc_info):
        self.wrapper.__exit__(*exc_info)
        for name in ("_commit", "_rollback", "is_usable"):
            delattr(self.db, name)

    def _in_transaction(self):
        from psycopg2.extensions import TRANSACTION_STATUS_IDLE

        raw = self.db.connection
        return raw is not None and raw.get_transaction_status() != TRANSACTION_STATUS_IDLE

    def _note_begin(self):
        raw = self.db.connection
        if raw is not None and not raw.autocommit and not self._in_transaction():
            self.statements.append(("BEGIN", None))

    def _execute(self, execute, sql, params, many, context):
        self._note_begin()
        if many:  # psycopg2's executemany sends one statement per set of parameters
            params = list(params)
            self.statements += [(sql, each) for each in params]
        else:
            self.statements.append((sql, params))
        return execute(sql, params, many, context)

    def clear(self):
        self.statements.clear()


def statements(explain=False):
    """The statements of one public registration, as the production server runs it.

    Real registrations through the full stack (URL, middleware, view, services) in this process, each by a new
    Client (no cookies: somebody else registering); those of the last one are kept, the first ones having
    filled the caches a long-running worker has filled. Before each, what gunicorn's request_started signal does
    and the test Client does not: close_old_connections(), after which the first use of the connection runs the
    health check.
    """
    from django.db import close_old_connections
    from django.test import Client

    from benchmarks.registration_form import valid_registration

    event = Event.objects.get(slug=SLUG)
    category = event.categories.filter(open_to_public=True).order_by("order").first()
    district = District.objects.get(name="Benchmark district")
    # Unique across several runs of this action on the same event.
    first = Participant.objects.filter(event=event, email__startswith="statements-").count()
    path = f"/en/events/{SLUG}/register/"
    log = StatementLog()
    for n in range(first, first + REGISTRATIONS):
        data = valid_registration(
            category=category.pk,
            district=district.pk,
            email=f"statements-{n}@example.org",
            phone=f"0702{n:06d}",
            submission_key=str(uuid.uuid4()),
        )
        client = Client()
        close_old_connections()
        log.clear()
        with log:
            response = client.post(path, data)
        if response.status_code != 302:
            raise RuntimeError(
                f"POST {path} answered {response.status_code}, not 302:\n{response.content.decode()[:2000]}"
            )
    result = {
        "registrations": REGISTRATIONS,
        "count": len(log.statements),
        "statements": [sql for sql, _params in log.statements],
    }
    if explain:
        result["seq_scan_rows"] = SEQ_SCAN_ROWS
        result["plans"] = [
            {"number": number, **_explain(sql, params)}
            for number, (sql, params) in enumerate(log.statements, 1)
            if _explainable(sql)
        ]
    return result


def _explainable(sql):
    return sql.lstrip().split(None, 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}


def _explain(sql, params):
    """The plan PostgreSQL would use for the statement with its real parameters (EXPLAIN runs nothing, and its
    transaction is rolled back all the same), and what in it reads a table of more than SEQ_SCAN_ROWS rows whole:
    a Seq Scan, or an index scan without an index condition (a walk along the whole index, filtering each row)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
            # The same plan as JSON, to find the scans by node rather than by reading the text.
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            nodes = list(_plan_nodes(_json(cursor.fetchone()[0])[0]["Plan"]))
            seq_scans, whole_index_scans = set(), set()
            for node in nodes:
                table = node.get("Relation Name")
                if node["Node Type"] == "Seq Scan" and _more_than_a_few_rows(cursor, table):
                    seq_scans.add(table)
                elif (
                    node["Node Type"] in ("Index Scan", "Index Only Scan")
                    and "Index Cond" not in node
                    and _more_than_a_few_rows(cursor, table)
                ):
                    whole_index_scans.add(table)
            transaction.set_rollback(True)
    except Exception as error:  # noqa: BLE001  (reported with the statement; the others are still explained)
        seq_scans = whole_index_scans = plan = ()
        problem = f"{type(error).__name__}: {error}"
    else:
        problem = None
    return {
        "sql": sql,
        "plan": list(plan),
        "seq_scans": sorted(seq_scans),
        "whole_index_scans": sorted(whole_index_scans),
        "error": problem,
    }


def _json(value):
    # psycopg2 decodes json columns itself; a driver that does not hands over the text.
    return json.loads(value) if isinstance(value, str) else value


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


def _more_than_a_few_rows(cursor, table):
    cursor.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT {SEQ_SCAN_ROWS + 1}) AS few')
    return cursor.fetchone()[0] > SEQ_SCAN_ROWS


def add_people(number):
    """`number` people already registered on the event, the way a list grows, without the service: no history,
    no consents, no message. Distinct emails and phones (+996703..., a prefix no other part of the benchmark
    uses), the event's public category, the benchmark district."""
    event = Event.objects.get(slug=SLUG)
    category = event.categories.filter(open_to_public=True).order_by("order").first()
    district = District.objects.get(name="Benchmark district")
    started = time.perf_counter()
    now = timezone.now()
    for start in range(0, number, PEOPLE_BATCH):
        Participant.objects.bulk_create(
            Participant(
                event=event,
                status=Status.REGISTERED,
                source=Source.PUBLIC_FORM,
                full_name=f"Айгүл Өмүрбекова {n}",
                category=category,
                district=district,
                email=f"people-{n:06d}@example.org",
                phone=f"+996703{n:06d}",
                preferred_language="ky",
                registered_at=now,
            )
            for n in range(start, min(start + PEOPLE_BATCH, number))
        )
    # Outside any transaction (VACUUM refuses one): the planner's statistics as they are once the list grew.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Participant._meta.db_table}")
    return {"people": number, "seconds": time.perf_counter() - started}


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
    arguments = sys.argv[1:]
    if arguments in (["statements"], ["statements", "--explain"]):
        action = lambda: statements(explain="--explain" in arguments)  # noqa: E731
    elif len(arguments) == 2 and arguments[0] == "people" and arguments[1].isdigit():
        action = lambda: add_people(int(arguments[1]))  # noqa: E731
    elif len(arguments) == 1 and arguments[0] in actions:
        action = actions[arguments[0]]
    else:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(actions)}|statements [--explain]|people N")
    _check_database()
    print(json.dumps(action()))
