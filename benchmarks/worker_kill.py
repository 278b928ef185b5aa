"""Lost, doubled and late emails when the Celery worker is killed (kill -9) three times during a 500-message send.

    .venv/bin/python benchmarks/worker_kill.py [--messages 500] [--kills 3] [--pool prefork|solo]

Issue 11, scenario 3. Prepares the database dialogue_event_bench (an event with 500 invited participants, each
with a unique email address), queues their invitations through the admin action "Send invitations", starts an
SMTP server (aiosmtpd, in a thread of this process), celery beat with the project's schedule (the outbox sweeper
every half minute) and ONE Celery worker (prefork, --concurrency 1; or solo) on Redis database 13 and the queue
"bench-mail". Each time the server has received another 125 messages (500 / (kills + 1)), it kills the whole
worker with SIGKILL and starts it again; beat is never killed. After the last restart it waits, in real time
and without calling anything itself, until every row is final. Then it counts, by recipient address, what the
server received: lost (never received) and sent twice, and when the last message arrived.

PASS when nobody is lost, at most one message per kill went twice, and the last message arrived within
2 minutes of the last restart. It always stops beat, the worker and the SMTP server and removes its Redis
keys, and exits 0 once the figures are printed. See benchmarks/README.md.
"""

import argparse
import collections
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import mailbench  # noqa: E402

SLUG = "benchmark-worker-kill"
DEADLINE_SECONDS = 120  # after the last restart, every message must have arrived within this




def outbox_state(event):
    from messaging.models import Message

    return {status.value: n for status, n in Message.objects.filter(event=event).count_by_status().items()}


def wait_until_final(event, timeout):
    """Wait until no row is queued or sending; return whether that happened within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = outbox_state(event)
        if state["queued"] == 0 and state["sending"] == 0:
            return True
        time.sleep(0.5)
    return False


def in_flight(event):
    """The addresses of the rows left "sending" (by the kill)."""
    from messaging.models import Message

    return set(Message.objects.filter(event=event, status="sending").values_list("to_address", flat=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500, help="invitations to send (10-20000, default 500)")
    parser.add_argument("--kills", type=int, default=3, help="how many times to kill the worker (1-50, default 3)")
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
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    mailbench.run_admin_action(event)
    print(f"{args.messages} invitations queued in {time.perf_counter() - t0:.1f} s", flush=True)

    concurrency = 1
    beat = mailbench.Beat(env, run.workdir)
    run.worker = mailbench.Worker(env, run.workdir, pool=args.pool, concurrency=concurrency)
    try:
        beat.start()
        run.worker.start()
        measured = kill_and_wait(run, args, event, concurrency)
    finally:
        beat.stop()
    report(run, args, event, concurrency, load_before, *measured)


def kill_and_wait(run, args, event, concurrency):
    print(f"SMTP server on {mailbench.HOST}:{run.sink.port}; worker --pool={args.pool} --concurrency={concurrency}")
    every = args.messages // (args.kills + 1)
    kills = []
    seen_sending = set()
    for number in range(1, args.kills + 1):
        if not run.sink.wait_for(number * every, timeout=args.timeout):
            raise RuntimeError(f"only {run.sink.count()} messages arrived before kill {number}")
        run.worker.kill()
        with run.sink.changed:
            received_at_kill = len(run.sink.received)
            addresses = {recipient for recipient, _size, _at in run.sink.received}
        sending = in_flight(event) - seen_sending
        seen_sending |= sending
        kills.append(received_at_kill)
        print(
            f"  kill {number}: kill -9 after {received_at_kill} received; rows this kill left 'sending': "
            f"{len(sending)} (of which the server had already accepted {len(sending & addresses)}: "
            "each will go twice)",
            flush=True,
        )
        run.worker.start()
    restarted = time.perf_counter()
    left = outbox_state(event)
    print(
        f"last restart: outbox queued {left['queued']}, sending {left['sending']}; beat's sweeper and the worker "
        "take it from here",
        flush=True,
    )
    final = wait_until_final(event, args.timeout)
    time.sleep(2)  # a message accepted just as its row turned final
    run.worker.stop()
    return kills, restarted, final


def report(run, args, event, concurrency, load_before, kills, restarted, final):
    from participants.models import Participant

    final_state = outbox_state(event)
    with run.sink.changed:
        received = collections.Counter(recipient for recipient, _size, _at in run.sink.received)
        last_arrival = max(at for _recipient, _size, at in run.sink.received)
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
    if not final:
        print(f"WARNING: rows were still queued or sending {args.timeout:.0f} s after the last restart")
    print()
    print(f"received by the server   {sum(received.values()):>6}")
    print(f"unique recipients        {len(received):>6}")
    print(f"lost (never received)    {len(lost):>6}" + (f"   e.g. {sorted(lost)[:3]}" if lost else ""))
    print(
        f"sent twice or more       {duplicates:>6}"
        + (f"   ({', '.join(f'{a} x{n}' for a, n in sorted(twice.items())[:5])})" if twice else "")
    )
    print(f"kills                    {len(kills):>6}")
    late = last_arrival - restarted
    print(f"last message arrived     {late:>6.0f} s after the last restart")
    if strangers:
        print(f"received for addresses not invited: {len(strangers)}")
    print("outbox: " + ", ".join(f"{status} {n}" for status, n in final_state.items()))
    print()
    ok = final and not lost and duplicates <= len(kills) and late <= DEADLINE_SECONDS
    print(
        f"lost == 0, twice <= kills ({len(kills)}), all sent within {DEADLINE_SECONDS} s of the last restart: "
        f"{'PASS' if ok else 'FAIL'}  ({len(lost)} lost, {duplicates} sent twice, last after {late:.0f} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
