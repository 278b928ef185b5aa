"""Scenario 2 of the faults issue: PostgreSQL restarted (`pg_ctl restart -m fast`) while people use the site.

    .venv/bin/python benchmarks/fault_postgres_restart.py [--clients 4] [--duration 20] [--restart-at 10]

Starts a PostgreSQL cluster and a Redis of its own on free loopback ports (benchmarks/faultbench.py; the machine's
shared servers are never touched), migrates a database in that cluster, and serves the application as production does: gunicorn with 2
sync workers and a 30 s timeout, a Celery worker and beat, sending to an SMTP server in this process (aiosmtpd).
Then 4 clients, for 20 s, each in turn open the event's page and register a new person (the form sent, then the
page it leads to); after 10 s PostgreSQL is restarted with `pg_ctl restart -m fast`. A person shown an error page
does what it says: she sends the same form again, a second later (in life, a minute), until she sees the success
page or 30 s have passed.

It prints every answer by kind (2xx/3xx, our 503 with Retry-After, a server error, no answer), when the site
answered again after the restart, the people registered (rows) against the people who saw the success page, the
people registered who never saw it, and the confirmations: received, twice, missing. It stops and removes
everything it started, also after an error or Ctrl-C; it exits 0 once it printed its figures and 1 when it could
not run. See benchmarks/README.md.
"""

import argparse
import collections
import re
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.faultbench import Stack, run_scenario  # noqa: E402
from benchmarks.mailbench import Sink  # noqa: E402
from benchmarks.registration import (  # noqa: E402
    CSRF_INPUT,
    HOST,
    Connection,
    build_request,
    children_of,
    header_value,
    take_lock,
)
from benchmarks.registration_form import valid_registration  # noqa: E402

LANGUAGES = ["ru", "ky", "en", "ru"]  # one per client, in turn
RESEND_PAUSE = 1.0  # seconds before a person sends the form again after an error page
PERSON_PATIENCE = 30.0  # seconds a person keeps trying before giving up
DRAIN_TIMEOUT = 120.0  # seconds to wait for the confirmations after the load (beat sweeps every half minute)


# --------------------------------------------------------------------------------------------------
# The clients
# --------------------------------------------------------------------------------------------------


class Answers:
    """Every answer the clients got: (seconds since the start, what was asked, kind of answer, seconds taken)."""

    def __init__(self, started):
        self.started = started
        self.lock = threading.Lock()
        self.rows = []
        self.people = []  # (email, saw the success page, forms sent)
        self.examples = {}  # kind of failure: the title of the first such page

    def add(self, asked, kind, began, page=b""):
        now = time.monotonic()
        with self.lock:
            self.rows.append((began - self.started, asked, kind, now - began))
            if kind != "2xx/3xx" and kind not in self.examples:
                title = re.search(rb"<title>(.*?)</title>", page, re.DOTALL)
                self.examples[kind] = (title.group(1) if title else page[:200]).decode(errors="replace").strip()

    def person(self, email, succeeded, sent):
        with self.lock:
            self.people.append((email, succeeded, sent))


def kind_of(status, headers, body, language):
    """What a person saw: a page, our 503 asking to try again, a server error (ours or a bare one), or another."""
    if status < 400:
        return "2xx/3xx"
    ours = f'<html lang="{language}">'.encode() in body and b'<meta name="robots" content="noindex">' in body
    if status == 503 and ours and header_value(headers, "retry-after"):
        return "503, ours, Retry-After"
    if status >= 500:
        return f"{status}, ours" if ours else f"{status}, bare"
    return str(status)


def cookies_set(headers):
    """{name: value} of the cookies an answer sets (a deleted cookie's value is empty)."""
    cookies = {}
    for key, value in headers:
        if key == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


class Client:
    """One person after another: the event's page, then the registration form until she sees the success page."""

    def __init__(self, index, port, event, answers):
        self.index, self.port, self.answers = index, port, answers
        self.language = LANGUAGES[index % len(LANGUAGES)]
        self.event = event
        base = f"/{self.language}/events/{event['slug']}/"
        self.event_page, self.form_page, self.success_page = base, base + "register/", base + "registered/"
        self.conn = Connection(port)
        self.cookies = {}
        self.token = None
        self.people = 0

    def ask(self, asked, method, path, cookies, body=b""):
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items() if value)
        headers = [("Cookie", cookie)] if cookie else []
        if method == "POST":
            headers += [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", f"http://{HOST}:{self.port}")]
        began = time.monotonic()
        try:
            status, answer_headers, answer = self.conn.request(build_request(method, path, self.port, headers, body))
        except OSError as error:
            self.conn.close()
            self.answers.add(asked, f"no answer ({type(error).__name__})", began)
            return None, [], b""
        self.answers.add(asked, kind_of(status, answer_headers, answer, self.language), began, answer)
        return status, answer_headers, answer

    def open_form(self):
        """The form once, as a browser does: its CSRF cookie and token serve every person of this client."""
        status, headers, body = self.ask("registration form", "GET", self.form_page, {})
        match = CSRF_INPUT.search(body)
        if status == 200 and match:
            self.cookies = {"csrftoken": cookies_set(headers)["csrftoken"]}
            self.token = match.group(1).decode()
        return self.token is not None

    def register(self):
        """A new person registers; she sends the same form again after an error page. Returns whether she got in."""
        self.people += 1
        email = f"restart-{self.index}-{self.people}@example.org"
        form = {
            "csrfmiddlewaretoken": self.token,
            **valid_registration(
                category=self.event["category"], district=self.event["district"], email=email,
                phone=f"0700{self.index * 50_000 + self.people:06d}", submission_key=str(uuid.uuid4()),
            ),
        }  # fmt: skip
        body = urllib.parse.urlencode(form).encode()
        cookies = dict(self.cookies)  # her browser: the cookies the answers set are hers
        gives_up = time.monotonic() + PERSON_PATIENCE
        sent = 0
        while time.monotonic() < gives_up:
            sent += 1
            status, headers, _page = self.ask("registration sent", "POST", self.form_page, cookies, body)
            cookies.update(cookies_set(headers))
            if status == 302 and (header_value(headers, "location") or "").endswith(self.success_page):
                status, headers, page = self.ask("success page", "GET", self.success_page, cookies)
                cookies.update(cookies_set(headers))
                if status == 200 and b"alert-success" in page:
                    self.answers.person(email, True, sent)
                    return True
            elif status is not None and status < 500:
                break  # refused for good (a 400 or 403 would say why): not what this scenario is about
            time.sleep(RESEND_PAUSE)
        self.answers.person(email, False, sent)
        return False

    def run(self, stop_at):
        while time.monotonic() < stop_at and not self.open_form():
            time.sleep(RESEND_PAUSE)
        while time.monotonic() < stop_at:
            self.ask("event page", "GET", self.event_page, self.cookies)
            if self.token is not None:
                self.register()
        self.conn.close()


# --------------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------------


def restart_later(postgres, delay, record):
    time.sleep(delay)
    record["began"] = time.monotonic()
    try:
        postgres.restart()
    except Exception as error:  # noqa: BLE001  (reported with the figures)
        record["error"] = str(error)
    record["ended"] = time.monotonic()


def report(args, answers, restart, postgres, sink, drained, gunicorn_workers):
    started = answers.started
    print(f"\n{args.clients} clients for {args.duration:g} s; `pg_ctl restart -m fast` at {args.restart_at:g} s, "
          f"took {restart['ended'] - restart['began']:.1f} s" + (f" and FAILED: {restart['error']}" if "error" in restart else ""))  # fmt: skip
    kinds = collections.Counter(kind for _t, _asked, kind, _took in answers.rows)
    by_request = collections.defaultdict(collections.Counter)
    for _t, asked, kind, _took in answers.rows:
        by_request[asked][kind] += 1
    columns = sorted(kinds, key=lambda kind: (kind != "2xx/3xx", kind))
    print(f"\n{'answers':<20}" + "".join(f"{kind:>24}" for kind in columns))
    for asked, counts in sorted(by_request.items()):
        print(f"{asked:<20}" + "".join(f"{counts[kind]:>24}" for kind in columns))
    print(f"{'all':<20}" + "".join(f"{kinds[kind]:>24}" for kind in columns))
    server_errors = sum(n for kind, n in kinds.items() if kind[:1] == "5" and "Retry-After" not in kind)
    friendly = sum(n for kind, n in kinds.items() if "Retry-After" in kind)
    no_answer = sum(n for kind, n in kinds.items() if kind.startswith("no answer"))
    slowest = max((took for *_rest, took in answers.rows), default=0.0)
    print(f"\n2xx/3xx {kinds['2xx/3xx']}, friendly 503 {friendly}, server errors (500 and other 5xx) {server_errors}, "
          f"no answer {no_answer}; slowest answer {slowest:.1f} s")  # fmt: skip

    for kind, title in sorted(answers.examples.items()):
        print(f"  {kind}: e.g. {title!r}")

    # When each failed answer came, from the moment pg_ctl was called.
    failures = [t + took - (restart["began"] - started) for t, _asked, kind, took in answers.rows if kind != "2xx/3xx"]
    if failures:
        print(f"failed answers came {min(failures):+.1f} s to {max(failures):+.1f} s after pg_ctl was called; "
              "every later answer was normal")  # fmt: skip
    else:
        print("no failed answer at all")
    print(f"gunicorn's workers {'the same' if gunicorn_workers[0] == gunicorn_workers[1] else 'CHANGED'} before and "
          f"after (pids {sorted(gunicorn_workers[0])} / {sorted(gunicorn_workers[1])}): nothing was restarted")  # fmt: skip
    late = [kind for t, _asked, kind, _took in answers.rows if t > args.duration - 3]
    print(f"last 3 s of the run: {late.count('2xx/3xx')} of {len(late)} answers normal")

    rows = {email.lower() for (email,) in postgres.query("SELECT email FROM participants_participant")}
    succeeded = {email for email, ok, _sent in answers.people if ok}
    sent_again = sum(1 for _email, ok, sent in answers.people if ok and sent > 1)
    gave_up = sum(1 for _email, ok, _sent in answers.people if not ok)
    print(f"\npeople: {len(answers.people)} tried, {len(succeeded)} saw the success page "
          f"({sent_again} of them after sending the form again), {gave_up} gave up")  # fmt: skip
    unseen = rows - succeeded
    print(f"rows {len(rows)} = success pages {len(succeeded)}: {'yes' if rows == succeeded else 'NO'}; registered "
          f"without seeing the success page: {len(unseen)}; success pages without a row: {len(succeeded - rows)}")  # fmt: skip

    received = collections.Counter(recipient.lower() for recipient, _size, _at in sink.received)
    twice = {email: n for email, n in received.items() if n > 1}
    print(f"\nconfirmations: {sum(received.values())} received for {len(rows)} people "
          f"({'all in' if drained else f'waited {DRAIN_TIMEOUT:.0f} s'}), duplicates {sum(n - 1 for n in twice.values())}, "
          f"missing {len(rows - set(received))}, to nobody registered {len(set(received) - rows)}")  # fmt: skip
    outbox = postgres.query("SELECT status, count(*) FROM messaging_message GROUP BY status ORDER BY status")
    print("outbox: " + ", ".join(f"{status} {count}" for status, count in outbox))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4, choices=range(1, 17), metavar="1..16")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (5-120)")
    parser.add_argument("--restart-at", type=float, default=10.0, help="seconds into the load (1 to duration - 1)")
    args = parser.parse_args()
    if not (5 <= args.duration <= 120 and 1 <= args.restart_at <= args.duration - 1):
        parser.error("--duration must be within 5..120 and --restart-at within 1..duration-1")

    _lock = take_lock()
    sink = Sink()

    def scenario(stack):
        print("Starting a private PostgreSQL, Redis and SMTP server, migrating, starting gunicorn...", flush=True)
        sink.start()
        event = stack.start(sink_port=sink.port)
        workers_before = children_of(stack.server.pid)
        stack.start_worker()
        print(f"gunicorn on http://{HOST}:{stack.port}/, a Celery worker and beat; {args.clients} clients for "
              f"{args.duration:g} s...", flush=True)  # fmt: skip

        answers = Answers(time.monotonic())
        stop_at = answers.started + args.duration
        restart = {}
        threads = [threading.Thread(target=restart_later, args=(stack.postgres, args.restart_at, restart), daemon=True)]
        threads += [
            threading.Thread(target=Client(index, stack.port, event, answers).run, args=(stop_at,), daemon=True)
            for index in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + PERSON_PATIENCE + 60)
        if any(thread.is_alive() for thread in threads):
            raise RuntimeError("a client or the restart did not finish in time")

        expected = stack.postgres.query("SELECT count(*) FROM participants_participant")[0][0]
        print(f"Waiting for {expected} confirmations...", flush=True)
        drained = sink.wait_for(expected, timeout=DRAIN_TIMEOUT)
        time.sleep(5)  # a duplicate would come soon after
        workers = (workers_before, children_of(stack.server.pid))
        report(args, answers, restart, stack.postgres, sink, drained, workers)
        warnings = stack.log_ends(["gunicorn.log"])
        if warnings:
            print(f"\ngunicorn's warnings and errors:\n{warnings}")

    return run_scenario(Stack("dialogue-event-fault-postgres-"), scenario, sink)


if __name__ == "__main__":
    sys.exit(main())
