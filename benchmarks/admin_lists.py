"""Statements and server time of the organisers' admin lists with 10,000 people and 10,000 messages.

    .venv/bin/python benchmarks/admin_lists.py [--people 10000] [--repeat 15] [--explain]

Prepares the database dialogue_event_bench (BENCH_DATABASE_URL): an event with --people participants (every
status, categories, tracks, spread over the seeded districts and benchmark regions of their own) and one message
each in the outbox, bulk-created, and an organiser (staff in the Organisers group, not a superuser). Then, as
that organiser, in this process (django.test.Client, DEBUG off, the static files collected with their manifest
as in production), it GETs:

  (p) the participants list: as it opens, filtered by event and status, a name searched, its page 2
  (m) the message log as it opens
  (f) one participant's change form

It prints the median server time and the SQL statements of each, with PASS/FAIL against issue 14's targets:
each list under 50 ms, and the statements of the participants list and of the change form the same with 20
more districts (none per district or per row). --explain adds the plans of the lists' main queries. It removes
its event, people, messages, districts and user, also after an error or Ctrl-C, and exits 0 once the figures
are printed (PASS or FAIL). See benchmarks/README.md.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import mailbench  # noqa: E402
from benchmarks.door import expect, name_of, statements, timed  # noqa: E402
from benchmarks.registration import take_lock  # noqa: E402

SLUG = "benchmark-admin-lists"
USERNAME = "benchmark-admin-organiser"
REGION_PREFIX = "Benchmark region"
LIST_TARGET_MS = 50.0
EXTRA_DISTRICTS = 20  # added between two counts: a statement per district shows as a difference
CATEGORIES = ["Women activist", "Member of a local council", "Youth", "Civil servant", "Journalist"]
TRACKS = ["Women in local councils", "Water and land", "Youth and schools", "Returning migrants"]


def delete_everything():
    from django.contrib.auth import get_user_model

    from agenda.models import Event
    from participants.models import District, Participant, Region

    # Messages and history go with their participant.
    Participant.objects.filter(event__slug=SLUG).delete()
    Event.objects.filter(slug=SLUG).delete()
    District.objects.filter(region__name__startswith=REGION_PREFIX).delete()
    Region.objects.filter(name__startswith=REGION_PREFIX).delete()
    get_user_model().objects.filter(username=USERNAME).delete()


def add_districts(count, start=0):
    """`count` districts in benchmark regions of eight districts each; returns them."""
    from participants.models import District, Region

    districts = []
    for n in range(start, start + count):
        region, _created = Region.objects.get_or_create(name=f"{REGION_PREFIX} {n // 8 + 1}", defaults={"order": 90})
        districts.append(District.objects.create(region=region, name=f"Benchmark district {n + 1}", order=n))
    return districts


def create_event(count):
    """The event, its categories and tracks, `count` people and a message each. Seconds taken."""
    from django.utils import timezone

    from agenda.models import Event, Track
    from messaging.models import Channel, Message, MessageKind, MessageStatus
    from participants.models import Category, District, Gender, Participant, Source, Status, StatusChange

    started = time.perf_counter()
    delete_everything()
    starts_at = timezone.now() + datetime.timedelta(days=30)
    event = Event.objects.create(
        slug=SLUG,
        title="Benchmark dialogue: the admin's lists",
        theme="Women's leadership for peace and security in the Fergana valley",
        purpose="To measure the organisers' lists.",
        city="Osh",
        venue="Conference hall",
        address="Lenin street 1, Osh",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=8),
        capacity=100_000,
        contact_email="dialogue@example.org",
    )
    # A new event comes with the usual categories; the benchmark adds those it lacks.
    categories = [
        Category.objects.get_or_create(event=event, name=name, defaults={"order": i})[0]
        for i, name in enumerate(CATEGORIES)
    ]
    tracks = [Track.objects.create(event=event, title=title, order=i) for i, title in enumerate(TRACKS)]
    add_districts(40)
    districts = list(District.objects.all())
    statuses = list(Status)
    genders = list(Gender)
    people = Participant.objects.bulk_create(
        Participant(
            event=event,
            status=statuses[n % len(statuses)],
            source=Source.PUBLIC_FORM if n % 3 else Source.INVITATION,
            full_name=name_of(n),
            gender=genders[n % len(genders)],
            category=categories[n % len(categories)],
            district=districts[n % len(districts)],
            phone=f"+996{(700, 555, 770)[n % 3]}{(n * 7919 + 123457) % 1_000_000:06d}",
            email=f"admin-list-{n:05d}@example.org" if n % 4 else "",
            organisation="Кара-Бак аялдар кеңеши" if n % 2 else "",
            track=tracks[n % 5] if n % 5 < len(tracks) else None,
            preferred_language=("ru", "ky", "en")[n % 3],
            registered_at=timezone.now(),
        )
        for n in range(count)
    )
    StatusChange.objects.bulk_create(
        StatusChange(participant=person, to_status=person.status, note="benchmark") for person in people
    )
    message_statuses = [MessageStatus.SENT] * 8 + [MessageStatus.QUEUED, MessageStatus.FAILED]
    Message.objects.bulk_create(
        Message(
            event=event,
            participant=person,
            kind=MessageKind.INVITATION,
            channel=Channel.EMAIL if person.email else Channel.BY_HAND,
            to_address=person.email or person.phone,
            language=person.preferred_language,
            subject="Invitation to the dialogue",
            body_text="Dear participant, ...",
            status=message_statuses[n % len(message_statuses)],
            idempotency_key=f"benchmark-admin-lists:{person.pk}",
        )
        for n, person in enumerate(people)
    )
    return event, people, time.perf_counter() - started


def organiser_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from dialogue_event.roles import ORGANISERS, ensure_role_groups

    ensure_role_groups()
    user = get_user_model().objects.create_user(username=USERNAME, first_name="Aida", last_name="Organiser",
                                                is_staff=True)  # fmt: skip
    user.groups.add(Group.objects.get(name=ORGANISERS))
    client = Client()
    client.force_login(user)
    return client


def requests(event, person):
    """[(kind, what, URL, query, target ms or None, whether its statements must not follow the districts)]."""
    from django.urls import reverse

    from participants.models import Status

    people = reverse("admin:participants_participant_changelist")
    return [
        ("(p)", "participants, as it opens", people, {}, LIST_TARGET_MS, True),
        ("(p)", "filtered: event, status", people,
         {"event__id__exact": event.pk, "status__exact": Status.REGISTERED}, LIST_TARGET_MS, True),
        ("(p)", "searched: a name", people, {"q": "Айгүл"}, LIST_TARGET_MS, True),
        ("(p)", "page 2", people, {"p": 2}, LIST_TARGET_MS, True),
        ("(m)", "message log, as it opens", reverse("admin:messaging_message_changelist"), {}, LIST_TARGET_MS,
         False),
        ("(f)", "a participant's change form", reverse("admin:participants_participant_change", args=[person.pk]),
         {}, None, True),
    ]  # fmt: skip


def measure(client, address, query, repeat):
    for _ in range(3):  # warm-up: templates, URL resolver, PostgreSQL's plans and buffers
        expect(client.get(address, query), 200, address)
    walls, cpus = [], []
    for _ in range(repeat):
        response, wall, cpu = timed(lambda: client.get(address, query))
        expect(response, 200, address)
        walls.append(wall)
        cpus.append(cpu)
    _response, count, _queries = statements(lambda: client.get(address, query))
    return statistics.median(walls), statistics.median(cpus), count


def explain(client, address, query, title):
    """EXPLAIN ANALYZE of the statement that reads the page of the list, and of the request's two slowest others."""
    from django.db import connection

    _response, _count, queries = statements(lambda: client.get(address, query))
    selects = [captured["sql"] for captured in queries if captured["sql"].lstrip().upper().startswith("SELECT")]
    page = [sql for sql in selects if sql.rstrip().endswith("LIMIT 50")][:1]
    others = sorted((q for q in queries if q["sql"] in selects and q["sql"] not in page),
                    key=lambda q: float(q["time"]), reverse=True)  # fmt: skip
    print(f"\n--- {title}: the page's statement and the two slowest others, as PostgreSQL plans them")
    with connection.cursor() as cursor:
        for sql in page + [captured["sql"] for captured in others[:2]]:
            print(f"\n{sql[:400]}{' ...' if len(sql) > 400 else ''}")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
            for (plan_line,) in cursor.fetchall():
                print(f"    {plan_line}")


def run(args):
    from django.db import connection
    from django.utils import translation

    event, people, created = create_event(args.people)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participants_participant; ANALYZE messaging_message")
    print(f"  {len(people)} participants and {len(people)} messages bulk-created in {created:.1f} s", flush=True)
    client = organiser_client()
    load_before = os.getloadavg()
    rows = []
    with translation.override("en"):
        plan = requests(event, people[len(people) // 2])
        for kind, what, address, query, target, per_district in plan:
            print(f"  {what}...", flush=True)
            rows.append([kind, what, *measure(client, address, query, args.repeat), target, per_district, None])
        add_districts(EXTRA_DISTRICTS, start=40)
        for row, (_kind, _what, address, query, _target, per_district) in zip(rows, plan):
            if per_district:
                row[7] = statements(lambda a=address, q=query: client.get(a, q))[1]
        load_after = os.getloadavg()

        print()
        print(f"Server time in ms, in this process (django.test.Client, DEBUG off), {len(people)} participants and")
        print(f"{len(people)} messages, {args.repeat} requests each, {os.cpu_count()} CPU cores, load average "
              f"{load_before[0]:.1f} before / {load_after[0]:.1f} after.")  # fmt: skip
        print("CPU med: this process's CPU time (PostgreSQL's is the rest); SQL: statements of one such request;")
        print(f"+{EXTRA_DISTRICTS} districts: the statements again once {EXTRA_DISTRICTS} more districts exist.")
        print()
        print(f"      {'request':<30} {'median':>8} {'CPU med':>8} {'SQL':>5} {'+' + str(EXTRA_DISTRICTS) + ' districts':>14}"
              f"  time < {LIST_TARGET_MS:g} ms  SQL fixed")  # fmt: skip
        failed = 0
        for kind, what, median, cpu, count, target, per_district, again in rows:
            time_verdict = "" if target is None else ("PASS" if median < target else "FAIL")
            sql_verdict = "" if not per_district else ("PASS" if again == count else "FAIL")
            failed += "FAIL" in (time_verdict, sql_verdict)
            print(f"  {kind} {what:<30} {median:>8.1f} {cpu:>8.1f} {count:>5} {again if again is not None else '':>14}"
                  f"  {time_verdict:<16} {sql_verdict}")  # fmt: skip
        print()
        print(f"{'Every target met' if not failed else f'{failed} request(s) missed a target'}: "
              f"{'PASS' if not failed else 'FAIL'}")  # fmt: skip

        if args.explain:
            for _kind, what, address, query, _target, _per_district in plan[:1] + plan[4:5]:
                explain(client, address, query, what)
    client.logout()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="participants, one message each (default 10000)")
    parser.add_argument("--repeat", type=int, default=15, help="measured requests of each kind (default 15)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the lists' main queries")
    args = parser.parse_args()
    if not 200 <= args.people <= 100_000:
        parser.error("--people must be within 200..100000")
    if not 1 <= args.repeat <= 1000:
        parser.error("--repeat must be within 1..1000")
    mailbench.check_database_name()
    _lock = take_lock()
    return mailbench.run_with_pages(lambda: run(args), what="the event", cleanup=delete_everything)

if __name__ == "__main__":
    sys.exit(main())
