"""SMS per second, from the admin's "Send invitations" to a local "SMS Gateway for Android", each sent once.

    .venv/bin/python benchmarks/sms_dispatch.py [--messages 500] [--concurrency 2] [--down 60]

Prepares the database dialogue_event_bench (an event with 500 invited participants who prefer SMS and have a
phone and no email, in Russian, Kyrgyz and English), starts the tests' local gateway server (conftest.SmsGateway:
a real HTTP server in a thread of this process speaking the app's send API) and a real Celery worker (prefork,
--concurrency 2 as in the Procfile) on Redis database 13 and the queue "bench-mail", runs the admin action
"Send invitations" on everybody and waits until the gateway has every SMS.

--down N: the gateway answers 503 ("device is offline") for the first N seconds; the workers' retries (half a
minute, doubling) must then send every SMS once after it is back.

It prints the rate against the target (500 in 60 s, when the gateway is up), how many numbers got an SMS twice or
none (both must be 0) and the outbox's statuses. It always stops the worker and the gateway and removes its
Redis keys and its event, and exits 0 once the figures are printed (PASS or FAIL). See benchmarks/README.md.
"""

import argparse
import collections
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import mailbench  # noqa: E402

SLUG = "benchmark-sms-dispatch"
# Issue 16: 500 SMS through the local gateway within 60 s.
TARGET_MESSAGES, TARGET_SECONDS = 500, 60.0


def make_them_phone_only(event):
    """The invitees become women with a phone, no email, who prefer SMS (numbers +996 700 NNN NNN)."""
    from participants.models import Channel, Participant

    people = list(Participant.objects.filter(event=event).order_by("pk"))
    for number, person in enumerate(people):
        person.email, person.phone, person.preferred_channel = "", f"+996700{number:06d}", Channel.SMS
    Participant.objects.bulk_update(people, ["email", "phone", "preferred_channel"], batch_size=500)
    return {person.phone for person in people}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=TARGET_MESSAGES, help="invitations to send (1-5000)")
    parser.add_argument("--concurrency", type=int, default=2, help="prefork pool processes of the worker (1-8)")
    parser.add_argument("--down", type=float, default=0, help="seconds the gateway answers 503 at the start")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the last SMS")
    args = parser.parse_args()
    if not (1 <= args.messages <= 5000 and 1 <= args.concurrency <= 8 and 0 <= args.down <= 600):
        parser.error("--messages must be within 1..5000, --concurrency within 1..8, --down within 0..600")
    mailbench.check_database_name()
    _lock = mailbench.take_lock()
    run = mailbench.Run(SLUG, prefix="dialogue-event-sms-bench-")
    return run.execute(lambda: measure(run, args))


def measure(run, args):
    from conftest import SmsGateway

    gateway = SmsGateway()
    url = gateway.start()
    try:
        measure_with(run, args, gateway, url)
    finally:
        gateway.stop()


def measure_with(run, args, gateway, url):
    sms_settings = {
        "SMS_BACKEND": "messaging.sms.android.SmsBackend",
        "SMS_ANDROID_URL": url,
        "SMS_ANDROID_USERNAME": gateway.USERNAME,
        "SMS_ANDROID_PASSWORD": gateway.PASSWORD,
    }
    os.environ.update(sms_settings)
    env, event = run.prepare(args.messages)
    env = {**env, **sms_settings}
    phones = make_them_phone_only(event)
    from messaging.models import Message

    run.worker = mailbench.Worker(env, run.workdir, pool="prefork", concurrency=args.concurrency)
    run.worker.start()
    print(f"Gateway at {url}; Celery worker --pool=prefork --concurrency={args.concurrency}", flush=True)
    gateway.down = args.down > 0

    t0 = time.perf_counter()
    action_messages = mailbench.run_admin_action(event)
    came_back = None
    deadline = time.monotonic() + args.timeout
    while len({sms["phone"] for sms in gateway.received}) < len(phones) and time.monotonic() < deadline:
        if gateway.down and time.perf_counter() - t0 >= args.down:
            gateway.down, came_back = False, time.perf_counter() - t0
            print(f"  the gateway is back after {came_back:.0f} s", flush=True)
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    # The worker marks each row just after the gateway's answer.
    settle = time.monotonic() + 30
    while Message.objects.filter(event=event, status__in=["queued", "sending"]).exists() and time.monotonic() < settle:
        time.sleep(0.2)
    time.sleep(2)  # anything sent twice would arrive now
    run.worker.stop()

    received = collections.Counter(sms["phone"] for sms in gateway.received)
    twice = sum(n - 1 for n in received.values() if n > 1)
    missing = len(phones - set(received))
    statuses = {status.value: n for status, n in Message.objects.filter(event=event).count_by_status().items()}
    parts = collections.Counter(Message.objects.filter(event=event).values_list("sms_parts", flat=True))
    rate = len(gateway.received) / seconds
    print()
    print("the action said: " + " / ".join(action_messages))
    print(f"{len(gateway.received)} SMS received by the gateway in {seconds:.2f} s: {rate:.1f} SMS/s")
    print(f"numbers that got it twice: {twice}; numbers that got none: {missing}")
    print("outbox: " + ", ".join(f"{status} {n}" for status, n in statuses.items() if n))
    print("SMS by their parts: " + ", ".join(f"{count} part(s): {n}" for count, n in sorted(parts.items())))
    print()
    each_once = twice == 0 and missing == 0
    print(f"{'each once':<24} {'yes' if each_once else 'NO':>8}  {'PASS' if each_once else 'FAIL'}")
    if args.down:
        after = seconds - (came_back or seconds)
        print(f"{'all sent after return':<24} {after:>7.1f}s  {'PASS' if each_once else 'FAIL'}")
    else:
        scaled = seconds * TARGET_MESSAGES / args.messages
        verdict = "PASS" if each_once and scaled <= TARGET_SECONDS else "FAIL"
        print(f"{'500 SMS take (s)':<24} {scaled:>8.2f}  <= {TARGET_SECONDS:.0f}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
