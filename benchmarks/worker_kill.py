"""Lost and doubled emails when the Celery worker is killed (kill -9) five times during a 1,000-message send.

    .venv/bin/python benchmarks/worker_kill.py [--messages 1000] [--kills 5] [--pool prefork|solo]

Prepares the database dialogue_event_bench (an event with 1,000 invited participants, each with a unique email
address), queues their invitations through the admin action "Send invitations", starts an SMTP server (aiosmtpd,
in a thread of this process) and ONE Celery worker (prefork, --concurrency 1; or solo) on Redis database 13 and
the queue "bench-mail". Each time the server has received another 150 messages (1000 / (kills + 1)), it kills
the whole worker with SIGKILL and starts it again. After the last restart, once the queue is empty and nothing
moves, it runs the outbox sweeper (messaging.services.sweep) as beat would 15 minutes later, until every row is
final. Then it counts, by recipient address, what the server received: lost (never received) and sent twice.

PASS when nobody is lost and at most one message per kill went twice. It always stops the worker and the SMTP
server and removes its Redis keys, and exits 0 once the figures are printed. See benchmarks/README.md.
"""

import argparse
import collections
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import mailbench  # noqa: E402

SLUG = "benchmark-worker-kill"
QUIET_SECONDS = 3.0  # nothing received and no row changed for this long: the worker has nothing left to do


def outbox_state(event):
    from messaging.models import Message

    return {status.value: n for status, n in Message.objects.filter(event=event).count_by_status().items()}


def wait_until_quiet(sink, event, timeout):
    """Wait until the queue is empty and neither the server nor the outbox changed for QUIET_SECONDS."""
    deadline = time.monotonic() + timeout
    last = None
    since = time.monotonic()
    while time.monotonic() < deadline:
        state = (sink.count(), tuple(sorted(outbox_state(event).items())), mailbench.queue_length())
        if state != last:
            last, since = state, time.monotonic()
        elif state[2] == 0 and time.monotonic() - since >= QUIET_SECONDS:
            return True
        time.sleep(0.25)
    return False


def in_flight(event, received):
    """The rows left "sending" by the kill, and how many of them the server had already accepted."""
    from messaging.models import Message

    addresses = set(
        Message.objects.filter(event=event, status="sending").values_list("to_address", flat=True)
    )
    return len(addresses), len(addresses & received)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000, help="invitations to send (10-20000, default 1000)")
    parser.add_argument("--kills", type=int, default=5, help="how many times to kill the worker (1-50, default 5)")
    parser.add_argument(
        "--pool", choices=["prefork", "solo"], default="prefork",
        help="prefork --concurrency 1 (default) or solo: one process doing the work either way",
    )  # fmt: skip
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for each stage")
    args = parser.parse_args()
    if not (10 <= args.messages <= 20000 and 1 <= args.kills <= 50 and args.kills < args.messages // 2):
        parser.error("--messages must be within 10..20000 and --kills within 1..50 (and below half the messages)")
    mailbench.check_database_name()
    _lock = mailbench.take_lock()
    run = mailbench.Run(SLUG, prefix="dialogue-event-kill-bench-")
    return run.execute(lambda: measure(run, args))


def measure(run, args):
    env, event = run.prepare(args.messages)
    from django.utils import timezone

    from messaging import services
    from participants.models import Participant

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    mailbench.run_admin_action(event)
    print(f"{args.messages} invitations queued in {time.perf_counter() - t0:.1f} s", flush=True)

    concurrency = 1
    run.worker = mailbench.Worker(env, run.workdir, pool=args.pool, concurrency=concurrency)
    run.worker.start()
    print(f"SMTP server on {mailbench.HOST}:{run.sink.port}; worker --pool={args.pool} --concurrency={concurrency}")
    every = args.messages // (args.kills + 1)
    kills = []
    for number in range(1, args.kills + 1):
        if not run.sink.wait_for(number * every, timeout=args.timeout):
            raise RuntimeError(f"only {run.sink.count()} messages arrived before kill {number}")
        run.worker.kill()
        with run.sink.changed:
            received_at_kill = len(run.sink.received)
            addresses = {recipient for recipient, _size, _at in run.sink.received}
        sending, accepted = in_flight(event, addresses)
        new_sending = sending - sum(k[1] for k in kills)
        new_accepted = accepted - sum(k[2] for k in kills)
        kills.append((received_at_kill, new_sending, new_accepted))
        print(
            f"  kill {number}: kill -9 after {received_at_kill} received; rows this kill left 'sending': "
            f"{new_sending} (of which the server had already accepted {new_accepted}: each will go twice)",
            flush=True,
        )
        run.worker.start()

    quiet = wait_until_quiet(run.sink, event, args.timeout)
    sweeps = []
    for _round in range(5):
        state = outbox_state(event)
        if state["queued"] == 0 and state["sending"] == 0:
            break
        # What beat's sweeper does 15 minutes later: only then is a row "lost" to it.
        later = timezone.now() + services.QUEUED_GRACE + datetime.timedelta(minutes=1)
        sweeps.append((dict(state), services.sweep(now=later)))
        quiet = wait_until_quiet(run.sink, event, args.timeout)
    final_state = outbox_state(event)
    run.worker.stop()

    with run.sink.changed:
        received = collections.Counter(recipient for recipient, _size, _at in run.sink.received)
    invited = set(Participant.objects.filter(event=event).values_list("email", flat=True))
    lost = invited - set(received)
    twice = {address: n for address, n in received.items() if n > 1}
    duplicates = sum(n - 1 for n in twice.values())
    strangers = set(received) - invited

    print()
    print(
        f"{args.messages} invitations, worker --pool={args.pool} --concurrency={concurrency} killed with SIGKILL "
        f"{len(kills)} times and restarted; {os.cpu_count()} CPU cores shared by everything; "
        "load average before: " + " ".join(f"{load:.2f}" for load in load_before)
    )
    for state, enqueued in sweeps:
        print(
            f"sweep: {enqueued} rows enqueued again (outbox before: queued {state['queued']}, "
            f"sending {state['sending']})"
        )
    if not quiet:
        print("WARNING: the outbox was still changing when the benchmark stopped waiting")
    print()
    print(f"received by the server   {sum(received.values()):>6}")
    print(f"unique recipients        {len(received):>6}")
    print(f"lost (never received)    {len(lost):>6}" + (f"   e.g. {sorted(lost)[:3]}" if lost else ""))
    print(
        f"sent twice or more       {duplicates:>6}"
        + (f"   ({', '.join(f'{a} x{n}' for a, n in sorted(twice.items())[:5])})" if twice else "")
    )
    print(f"kills                    {len(kills):>6}")
    if strangers:
        print(f"received for addresses not invited: {len(strangers)}")
    print("outbox: " + ", ".join(f"{status} {n}" for status, n in final_state.items()))
    print()
    ok = not lost and duplicates <= len(kills)
    print(
        f"lost == 0 and twice <= kills ({len(kills)}): {'PASS' if ok else 'FAIL'}  "
        f"({duplicates} sent twice, {len(lost)} lost)"
    )


if __name__ == "__main__":
    sys.exit(main())
