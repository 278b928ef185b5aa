"""Scenario 5 of issue 11: the participants table locked for 40 s while people register.

    .venv/bin/python benchmarks/fault_table_lock.py [--seconds 40]

Starts a PostgreSQL and a Redis of its own (benchmarks/faultbench.py) and gunicorn (2 sync workers, --timeout 30).
Opens the form on 4 phones (Kyrgyz, Russian, English, Kyrgyz), takes an ACCESS EXCLUSIVE lock on the participants
table in a connection of its own (as a long ALTER TABLE or a forgotten transaction would) and keeps it for
`--seconds`; meanwhile each phone sends the form again and again, each time as a new person. After the lock is
released each phone registers once more.

Prints, for the answers while the table was locked: how many were a 503 page in the phone's language with
Retry-After, how many were anything else or no answer within 10 s (the client's timeout: a hang), and the median
and slowest answer; for those after: the success pages. Then checks that nothing was half-saved: as many
participants as success pages, and each with her confirmation in the outbox, her consent and her history.
PASS when every answer during the lock was such a 503 within 10 s, and the database matches the success pages.
It always tears its stack down, and exits 0 once the figures are printed, 1 when it could not run.
"""

import argparse
import collections
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.faultbench import Registrant, Stack, describe_seconds, run_scenario  # noqa: E402
from benchmarks.registration import SOCKET_TIMEOUT, take_lock  # noqa: E402

LANGUAGES = ("ky", "ru", "en", "ky")
TABLE = "participants_participant"
HTML_LANGUAGE = re.compile(rb'<html[^>]*\blang="([a-z-]+)"')


def locked_table(database_url):
    """An open transaction holding the table's strongest lock; rollback() releases it."""
    import psycopg2

    holder = psycopg2.connect(database_url)
    holder.cursor().execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    return holder


def is_friendly_unavailable(answer, language):
    match = HTML_LANGUAGE.search(answer.body)
    retry_after = any(name == "retry-after" for name, _value in answer.headers)
    return answer.status == 503 and retry_after and match is not None and match.group(1).decode() == language


def database_counts(env, emails):
    """Participants among these addresses, and how many of them have a confirmation, a consent, a history line."""
    import psycopg2

    with psycopg2.connect(env["DATABASE_URL"]) as database, database.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM messaging_message m WHERE m.participant_id = p.id)),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM participants_consent c WHERE c.participant_id = p.id)),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM participants_statuschange s
                                                  WHERE s.participant_id = p.id))
            FROM {TABLE} p WHERE p.email = ANY(%s)
            """,
            [list(emails)],
        )
        return dict(zip(("participants", "with confirmation", "with consent", "with history"), cursor.fetchone()))


def run(stack, event, seconds):
    phones = [(Registrant(stack.port, n, event, language), language) for n, language in enumerate(LANGUAGES)]
    during, after = [], []
    lock = threading.Lock()
    released = threading.Event()

    def phone(registrant, language):
        while not released.is_set():
            answer = registrant.register()
            with lock:
                (after if released.is_set() else during).append((answer, language))
        answer = registrant.register()
        with lock:
            after.append((answer, language))

    holder = locked_table(stack.env["DATABASE_URL"])
    locked_at = time.monotonic()
    threads = [threading.Thread(target=phone, args=phone_and_language) for phone_and_language in phones]
    try:
        for thread in threads:
            thread.start()
        time.sleep(seconds)
    finally:
        holder.rollback()
        holder.close()
        released.set()
    held = time.monotonic() - locked_at
    for thread in threads:
        thread.join(timeout=3 * SOCKET_TIMEOUT)
    return during, after, held


def report(stack, during, after, held):
    friendly, registered_during, others = [], [], collections.Counter()
    for answer, language in during:
        if answer.registered:  # sent just before the release, it may have got through
            registered_during.append(answer)
        elif is_friendly_unavailable(answer, language):
            friendly.append(answer)
        else:
            others[str(answer.status)] += 1
    registered = [answer for answer, _language in during + after if answer.registered]
    counts = database_counts(stack.env, {answer.email for answer, _language in during + after})
    print()
    print(
        f"The participants table was locked for {held:.0f} s; {len(LANGUAGES)} phones ({', '.join(LANGUAGES)}) "
        f"sent the form meanwhile. gunicorn 2 sync workers, --timeout 30; the client waits at most {SOCKET_TIMEOUT:.0f} s."
    )
    print()
    print(
        f"while locked: {len(during)} answers: {len(friendly)} a 503 page in the phone's language with Retry-After, "
        f"{len(registered_during)} success pages, others {dict(others) or 'none'}"
    )
    print(f"              {describe_seconds([answer for answer, _language in during])}")
    print(
        f"after:        {sum(answer.registered for answer, _language in after)} of {len(after)} success pages, "
        f"{describe_seconds([answer for answer, _language in after])}"
    )
    print(
        f"database:     {counts['participants']} participants for {len(registered)} success pages; "
        f"with confirmation {counts['with confirmation']}, consent {counts['with consent']}, "
        f"history {counts['with history']}"
    )
    slowest = max((answer.seconds for answer, _language in during), default=0.0)
    passed = (
        not others
        and friendly
        and slowest <= SOCKET_TIMEOUT
        and all(answer.registered for answer, _language in after)
        and set(counts.values()) == {len(registered)}
    )
    print(f"\nScenario 5: {'PASS' if passed else 'FAIL'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="how long the table stays locked (5-120)")
    args = parser.parse_args()
    if not 5 <= args.seconds <= 120:
        parser.error("--seconds must be within 5..120")
    _lock = take_lock()

    def scenario(stack):
        print("Starting a private PostgreSQL and Redis, migrating, starting gunicorn...", flush=True)
        event = stack.start()
        print(f"  locking {TABLE} for {args.seconds:g} s while {len(LANGUAGES)} phones register...", flush=True)
        report(stack, *run(stack, event, args.seconds))

    return run_scenario(Stack("dialogue-event-fault-lock-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
