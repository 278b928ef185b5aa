"""The mail server away for 60 s during a send, some recipients refused for now (451) and some for good (550).

    .venv/bin/python benchmarks/fault_smtp.py [--messages 300] [--down 60]

Issue 11, scenario 4. Prepares the database dialogue_event_bench (an event with 300 invited participants, each
with a unique email address), starts an SMTP server (aiosmtpd, in a thread of this process), celery beat with the
project's schedule and one Celery worker (prefork, --concurrency 2, as in the Procfile) on Redis database 13 and
the queue "bench-mail". The server answers every tenth recipient (invitee-…3) "550 5.1.1 User unknown" and, the
first time only, every tenth (invitee-…7) "451 4.7.1 Greylisted". It queues the invitations with the admin action
"Send invitations", and once the server has received a third of them it stops the server for 60 s and starts it
again on the same port. Then it waits until every row is final and counts, by recipient address, what arrived,
and opens, as an organiser, the admin's page of each failed message to look for the server's answer.

PASS when every deliverable message arrived exactly once, every 550 one failed with "550" shown in the admin, and
no other message failed. It always stops beat, the worker and the SMTP server and removes its Redis keys and its
event, and exits 0 once the figures are printed. See benchmarks/README.md.
"""

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import mailbench  # noqa: E402

SLUG = "benchmark-fault-smtp"


def refused_for_good(address):
    return address.split("@")[0].endswith("3")


def greylisted(address):
    return address.split("@")[0].endswith("7")


class FaultySink(mailbench.Sink):
    """The benchmarks' SMTP server, with answers of a real one: unknown users, greylisting, and being away."""

    def __init__(self):
        super().__init__()
        self.greylisted_once = set()
        self.answers = collections.Counter()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if refused_for_good(address):
            self.answers["550"] += 1
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"
        if greylisted(address) and address not in self.greylisted_once:
            self.greylisted_once.add(address)
            self.answers["451"] += 1
            return f"451 4.7.1 <{address}>: Recipient address rejected: Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def restart(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=mailbench.HOST, port=self.port)
        self.controller.start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300, help="invitations to send (30-5000, default 300)")
    parser.add_argument("--down", type=float, default=60, help="seconds the server is away (default 60)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for every row to be final")
    args = parser.parse_args()
    if not (30 <= args.messages <= 5000 and 0 < args.down <= 600):
        parser.error("--messages must be within 30..5000 and --down within 0..600")
    mailbench.check_database_name()
    _lock = mailbench.take_lock()
    run = mailbench.Run(SLUG, prefix="dialogue-event-smtp-fault-bench-")
    run.sink = FaultySink()
    with tempfile.TemporaryDirectory(prefix="dialogue-event-smtp-fault-static-") as static_root:
        # The admin's pages, as an organiser sees them in production (manifest static files, no HTTPS here).
        os.environ.update(
            STATIC_ROOT=static_root, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false", SECURE_HSTS_SECONDS="0",
        )  # fmt: skip
        return run.execute(lambda: measure(run, args))


def outbox_state(event):
    from messaging.models import Message

    return {status.value: n for status, n in Message.objects.filter(event=event).count_by_status().items()}


def measure(run, args):
    env, event = run.prepare(args.messages)
    mailbench.manage({**os.environ, **env}, "collectstatic", "--no-input", "--verbosity", "0", timeout=180)
    beat = mailbench.Beat(env, run.workdir)
    run.worker = mailbench.Worker(env, run.workdir, pool="prefork", concurrency=2)
    try:
        beat.start()
        run.worker.start()
        timeline = send_through_the_outage(run, args, event)
    finally:
        beat.stop()
        run.worker.stop()
    report(run, args, event, *timeline)


def send_through_the_outage(run, args, event):
    started = time.perf_counter()
    mailbench.run_admin_action(event)
    print(f"{args.messages} invitations queued in {time.perf_counter() - started:.1f} s", flush=True)
    if not run.sink.wait_for(args.messages // 3, timeout=args.timeout):
        raise RuntimeError(f"only {run.sink.count()} messages arrived before the outage")
    run.sink.stop()
    went_down = time.perf_counter()
    print(f"SMTP server stopped after {run.sink.count()} received; outbox {outbox_state(event)}", flush=True)
    time.sleep(args.down)
    run.sink.restart()
    came_back = time.perf_counter()
    print(f"SMTP server back after {came_back - went_down:.0f} s; outbox {outbox_state(event)}", flush=True)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        state = outbox_state(event)
        if state["queued"] == 0 and state["sending"] == 0:
            break
        time.sleep(0.5)
    final = time.perf_counter()
    time.sleep(2)  # a message accepted just as its row turned final
    return started, came_back, final


def failed_in_the_admin(event):
    """For each failed message: its address and whether its admin page, as an organiser opens it, shows a 550."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from dialogue_event.roles import ensure_role_groups
    from messaging.models import Message

    user, _ = get_user_model().objects.get_or_create(username="benchmark-fault-organiser", defaults={"is_staff": True})
    user.groups.add(ensure_role_groups())
    client = Client()
    client.force_login(user)
    shown = {}
    for message in Message.objects.filter(event=event, status="failed"):
        page = client.get(f"/admin/messaging/message/{message.pk}/change/")
        shown[message.to_address] = page.status_code == 200 and "550 5.1.1" in page.content.decode()
    return shown


def report(run, args, event, started, came_back, final):
    from participants.models import Participant

    with run.sink.changed:
        received = collections.Counter(recipient for recipient, _size, _at in run.sink.received)
        last_arrival = max(at for _recipient, _size, at in run.sink.received)
    invited = set(Participant.objects.filter(event=event).values_list("email", flat=True))
    undeliverable = {address for address in invited if refused_for_good(address)}
    deliverable = invited - undeliverable
    missing = deliverable - set(received)
    twice = {address: n for address, n in received.items() if n > 1}
    wrongly_received = set(received) & undeliverable
    shown = failed_in_the_admin(event)
    failed_deliverable = set(shown) - undeliverable
    not_failed = undeliverable - set(shown)
    without_answer = {address for address, ok in shown.items() if not ok}
    state = outbox_state(event)

    print()
    print(
        f"{args.messages} invitations, SMTP server away for {args.down:.0f} s, worker --pool=prefork "
        f"--concurrency=2 with beat; {os.cpu_count()} CPU cores shared by everything"
    )
    print(f"server answers given     550: {run.sink.answers['550']}, 451: {run.sink.answers['451']}")
    print(f"deliverable              {len(deliverable):>6}")
    print(f"received once            {sum(1 for a in deliverable if received[a] == 1):>6}")
    print(f"never received           {len(missing):>6}" + (f"   e.g. {sorted(missing)[:3]}" if missing else ""))
    print(f"sent twice or more       {sum(n - 1 for n in twice.values()):>6}")
    print(f"undeliverable (550)      {len(undeliverable):>6}")
    print(f"  failed, 550 in admin   {len(set(shown) & undeliverable) - len(without_answer & undeliverable):>6}")
    print(f"  not failed             {len(not_failed):>6}")
    print(f"  received anyway        {len(wrongly_received):>6}")
    print(f"deliverable but failed   {len(failed_deliverable):>6}")
    print(f"last message arrived     {last_arrival - came_back:>6.0f} s after the server came back")
    print(f"all rows final           {final - came_back:>6.0f} s after the server came back")
    print("outbox: " + ", ".join(f"{status} {n}" for status, n in state.items()))
    print()
    ok = not (missing or twice or wrongly_received or failed_deliverable or not_failed or without_answer)
    ok = ok and state["queued"] == 0 and state["sending"] == 0
    print(
        "every deliverable message once, every 550 failed with the server's answer in the admin: "
        + ("PASS" if ok else "FAIL")
    )


if __name__ == "__main__":
    sys.exit(main())
