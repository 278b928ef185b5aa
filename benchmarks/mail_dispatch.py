"""Invitations per second, from the admin's "Send invitations" to the SMTP server, against plain smtplib.

    .venv/bin/python benchmarks/mail_dispatch.py [--messages 10000] [--concurrency 2]

Prepares the database dialogue_event_bench (an event with 10,000 invited participants, unique email addresses,
Russian, Kyrgyz and English), starts an SMTP server (aiosmtpd, in a thread of this process) on a free loopback
port and a real Celery worker (prefork, --concurrency 2 as in the Procfile) on Redis database 13 and the queue
"bench-mail", then measures in one run:

  (1) the admin action "Send invitations" run on all 10,000 (the action's own method, as a staff user): how long
      the organiser waited for it to answer (it records a send to many people and leaves the writing to a task),
      when the worker's task had written every invitation, and when the SMTP server received the last one;
  (2) plain smtplib sending the same 10,000 messages (subject, text and HTML from the outbox rows) to the same
      server over one connection.

It prints the organiser's wait against the target (2 s), both rates and their ratio against the target (0.7).
It always stops the worker and the SMTP server and removes its Redis keys, and exits 0 once the figures are
printed (PASS or FAIL). See benchmarks/README.md.
"""

import argparse
import collections
import os
import smtplib
import sys
import time
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import mailbench  # noqa: E402

SLUG = "benchmark-mail-dispatch"
TARGET = 0.7
# What the organiser may wait for the action to answer (issue 14).
REQUEST_TARGET = 2.0
FROM = "Dialogue <dialogue@localhost>"


def transfer_encoding(text):
    # As Django encodes UTF-8 text: 8bit, unless a line is longer than SMTP allows; so both send equal sizes.
    return "8bit" if max(map(len, text.encode().splitlines() or [b""])) <= 998 else "quoted-printable"


def send_with_smtplib(port, rows):
    """What a hand-written script would do: build each message with the standard library, send on one connection."""
    with smtplib.SMTP(mailbench.HOST, port, timeout=20) as smtp:
        for subject, body_text, body_html, to_address in rows:
            message = EmailMessage()
            message["Subject"] = subject
            message["From"] = FROM
            message["To"] = to_address
            message["Date"] = formatdate(localtime=True)
            message["Message-ID"] = make_msgid(domain="localhost")
            message.set_content(body_text, cte=transfer_encoding(body_text))
            message.add_alternative(body_html, subtype="html", cte=transfer_encoding(body_html))
            smtp.sendmail(FROM, [to_address], message.as_bytes(policy=policy.SMTP))  # CRLF line ends


def wait_until_written(event, t0, timeout):
    """Seconds from t0 until the send in the background wrote its last invitation; None if it did not in time.

    A selection of one part or less was written by the action itself: then, when it returned.
    """
    from participants.models import BulkSend

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        unfinished = BulkSend.objects.filter(event=event, finished_at__isnull=True).exists()
        if not unfinished:
            return time.perf_counter() - t0
        time.sleep(0.05)
    return None


def summary(received):
    recipients = collections.Counter(recipient for recipient, _size, _at in received)
    sizes = [size for _recipient, size, _at in received]
    return {
        "unique": len(recipients),
        "twice": sum(n - 1 for n in recipients.values()),
        "bytes": sum(sizes) / len(sizes) if sizes else 0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10000, help="invitations to send (1-20000, default 10000)")
    parser.add_argument("--concurrency", type=int, default=2, help="prefork pool processes of the worker (1-8)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the last message")
    args = parser.parse_args()
    if not (1 <= args.messages <= 20000 and 1 <= args.concurrency <= 8):
        parser.error("--messages must be within 1..20000 and --concurrency within 1..8")
    mailbench.check_database_name()
    _lock = mailbench.take_lock()
    run = mailbench.Run(SLUG, prefix="dialogue-event-mail-bench-")
    return run.execute(lambda: measure(run, args))


def measure(run, args):
    env, event = run.prepare(args.messages)
    from messaging.models import Message

    run.worker = mailbench.Worker(env, run.workdir, pool="prefork", concurrency=args.concurrency)
    run.worker.start()
    print(
        f"SMTP server on {mailbench.HOST}:{run.sink.port}; Celery worker --pool=prefork "
        f"--concurrency={args.concurrency} on queue {mailbench.CELERY_QUEUE!r} (pids {sorted(run.worker.pids())})",
        flush=True,
    )
    load_before = os.getloadavg()

    print("  (1) admin action \"Send invitations\" to the last message received...", flush=True)
    meter = mailbench.CpuMeter()
    meter.start(run.worker.pids())
    t0 = time.perf_counter()
    action_messages = mailbench.run_admin_action(event)
    action_seconds = time.perf_counter() - t0
    received_when_returned = run.sink.count()
    written_seconds = wait_until_written(event, t0, args.timeout)
    arrived = run.sink.wait_for(args.messages, timeout=args.timeout)
    with run.sink.changed:
        received = list(run.sink.received)
    dispatch_seconds = (received[args.messages - 1][2] if arrived else time.perf_counter()) - t0
    dispatch_cpu = meter.stop(run.worker.pids())
    dispatch = summary(received)
    # The worker marks a row sent just after the server accepted it.
    deadline = time.monotonic() + 30
    while Message.objects.filter(event=event).exclude(status="sent").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    statuses = {status.value: n for status, n in Message.objects.filter(event=event).count_by_status().items()}
    run.worker.stop()

    print("  (2) plain smtplib, one connection...", flush=True)
    rows = list(
        Message.objects.filter(event=event)
        .order_by("pk")
        .values_list("subject", "body_text", "body_html", "to_address")
    )
    run.sink.clear()
    meter.start(())
    t0 = time.perf_counter()
    send_with_smtplib(run.sink.port, rows)
    run.sink.wait_for(len(rows), timeout=args.timeout)
    with run.sink.changed:
        baseline_received = list(run.sink.received)
    baseline_seconds = (baseline_received[-1][2] if baseline_received else time.perf_counter()) - t0
    baseline_cpu = meter.stop()
    baseline = summary(baseline_received)

    dispatch_rate = min(len(received), args.messages) / dispatch_seconds
    baseline_rate = len(baseline_received) / baseline_seconds
    ratio = dispatch_rate / baseline_rate if baseline_rate else 0.0
    print()
    print(
        f"{args.messages} invitations; Celery worker --pool=prefork --concurrency={args.concurrency}; "
        f"{os.cpu_count()} CPU cores shared by everything; load average before: "
        + " ".join(f"{load:.2f}" for load in load_before)
    )
    print()
    print(f"{'':<34} {'received':>8} {'seconds':>8} {'msg/s':>8} {'bytes/msg':>9} {'twice':>6}")
    print(
        f"{'(1) admin action -> SMTP server':<34} {len(received):>8} {dispatch_seconds:>8.2f} "
        f"{dispatch_rate:>8.1f} {dispatch['bytes']:>9.0f} {dispatch['twice']:>6}"
    )
    print(
        f"{'(2) plain smtplib, one connection':<34} {len(baseline_received):>8} {baseline_seconds:>8.2f} "
        f"{baseline_rate:>8.1f} {baseline['bytes']:>9.0f} {baseline['twice']:>6}"
    )
    print()
    print(f"(1) {mailbench.describe_cpu(dispatch_cpu)}")
    print(f"(2) {mailbench.describe_cpu(baseline_cpu)}")
    if dispatch_cpu["other"] > 0.1 or baseline_cpu["other"] > 0.1:
        print("WARNING: other processes used the CPU while measuring; run again on a quiet machine.")
    print()
    print("the action said: " + " / ".join(action_messages))
    print(
        f"when the action returned, the server had {received_when_returned} of them; "
        + (
            f"the worker had written every invitation {written_seconds:.2f} s after the action was run, and the "
            f"last one arrived {dispatch_seconds - written_seconds:.2f} s after that: the sending "
            + ("kept up with the writing" if dispatch_seconds - written_seconds < 1 else "was behind the writing")
            if written_seconds is not None
            else "the send in the background did not finish"
        )
    )
    print("outbox: " + ", ".join(f"{status} {n}" for status, n in statuses.items()))
    if not arrived:
        print(f"NOT ALL ARRIVED: {len(received)} of {args.messages} within {args.timeout:.0f} s")
    print()
    verdict = "PASS" if action_seconds <= REQUEST_TARGET else "FAIL"
    print(f"{'organiser waited (s)':<22} {action_seconds:>6.2f} {'<= ' + format(REQUEST_TARGET, '.2f'):>8}  {verdict}")
    verdict = "PASS" if arrived and ratio >= TARGET else "FAIL"
    print(f"{'ratio (1) / (2)':<22} {ratio:>6.2f} {'>= ' + format(TARGET, '.2f'):>8}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
