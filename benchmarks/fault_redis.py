"""Scenario 1 of issue 11: Redis stopped, and then frozen, while 50 people register.

    .venv/bin/python benchmarks/fault_redis.py [--registrations 50]

Starts a PostgreSQL and a Redis of its own (benchmarks/faultbench.py), gunicorn (2 sync workers, --timeout 30),
a Celery worker with beat (the outbox sweeper) and an SMTP sink. Then, twice:

  stopped  Redis is shut down; 2 phones send the form `--registrations` times in all; Redis is started again.
  frozen   Redis is frozen with SIGSTOP (it takes connections and never answers, as a hung server does); the same;
           then SIGCONT.

and prints, for each: success pages, answers slower than 1 s, 5xx answers, the median and slowest answer, and
whether every confirmation arrived exactly once after Redis came back, and how long that took. PASS when every
registration got its success page within 1 s, no 5xx, and every confirmation arrived once. It always tears its
stack down, and exits 0 once the figures are printed, 1 when it could not run.
"""

import argparse
import collections
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.faultbench import Registrant, Stack, describe_seconds, run_scenario  # noqa: E402
from benchmarks.mailbench import Sink  # noqa: E402
from benchmarks.registration import take_lock  # noqa: E402

PHONES = 2  # as many as gunicorn's workers: each answer's time is the server's, not a queue's
ANSWER_WITHIN = 1.0  # seconds
# The sweeper runs every half minute for rows queued a minute ago: two minutes, and some to spare.
CONFIRMATIONS_WITHIN = 180  # seconds after Redis is back
QUIET_AFTERWARDS = 10  # seconds to wait for a duplicate once every confirmation has arrived


def run_phase(stack, sink, event, fault, first_phone, registrations):
    phones = [Registrant(stack.port, first_phone + n, event) for n in range(PHONES)]
    (stack.redis.stop if fault == "stopped" else stack.redis.freeze)()
    answers = []
    lock = threading.Lock()

    def phone(registrant, count):
        for _ in range(count):
            answer = registrant.register()
            with lock:
                answers.append(answer)

    threads = [
        threading.Thread(target=phone, args=(registrant, registrations // PHONES + (n < registrations % PHONES)))
        for n, registrant in enumerate(phones)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=registrations * 15)
    (stack.redis.start if fault == "stopped" else stack.redis.thaw)()
    back = time.perf_counter()

    registered = {answer.email for answer in answers if answer.registered}
    deadline = time.monotonic() + CONFIRMATIONS_WITHIN
    while time.monotonic() < deadline and not registered <= {recipient for recipient, *_ in sink.received}:
        time.sleep(0.5)
    arrived = {recipient: moment for recipient, _size, moment in sink.received if recipient in registered}
    time.sleep(QUIET_AFTERWARDS)
    counts = collections.Counter(recipient for recipient, *_ in sink.received if recipient in registered)
    return {
        "fault": fault,
        "answers": answers,
        "registered": len(registered),
        "slow": sum(answer.seconds > ANSWER_WITHIN for answer in answers),
        "5xx": sum(isinstance(answer.status, int) and answer.status >= 500 for answer in answers),
        "other": collections.Counter(str(answer.status) for answer in answers if not answer.registered),
        "once": sum(counts[email] == 1 for email in registered),
        "duplicated": sum(counts[email] > 1 for email in registered),
        "missing": len(registered - set(counts)),
        "last_after": max((moment - back for moment in arrived.values()), default=0.0),
    }


def report(results, registrations):
    print()
    print(f"{registrations} registrations per fault from {PHONES} phones; gunicorn 2 sync workers, --timeout 30.")
    print()
    header = f"{'Redis':<8} {'success':>8} {'> 1 s':>6} {'5xx':>4}  {'answers':<32} {'confirmations':<34} result"
    print(header)
    print("-" * len(header))
    passed = True
    for result in results:
        ok = (
            result["registered"] == registrations
            and result["slow"] == 0
            and result["5xx"] == 0
            and result["once"] == registrations
        )
        passed &= ok
        confirmations = f"{result['once']} once, {result['duplicated']} twice+, {result['missing']} missing"
        print(
            f"{result['fault']:<8} {result['registered']:>5}/{registrations:<2} {result['slow']:>6} {result['5xx']:>4}  "
            f"{describe_seconds(result['answers']):<32} {confirmations:<34} {'PASS' if ok else 'FAIL'}"
        )
        if result["other"]:
            print(f"         not registered: {dict(result['other'])}")
    print()
    for result in results:
        print(
            f"Redis {result['fault']}: the last confirmation arrived {result['last_after']:.0f} s after Redis was back "
            "(the publish from the registration gave up; the sweeper handed the rest over)."
        )
    print(f"\nScenario 1: {'PASS' if passed else 'FAIL'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=50, choices=range(2, 501), metavar="2..500")
    args = parser.parse_args()
    _lock = take_lock()
    sink = Sink()

    def scenario(stack):
        sink.start()
        print("Starting a private PostgreSQL and Redis, migrating, starting gunicorn and a worker...", flush=True)
        event = stack.start(sink_port=sink.port)
        stack.start_worker()
        results = []
        for number, fault in enumerate(("stopped", "frozen")):
            print(f"  Redis {fault} during {args.registrations} registrations...", flush=True)
            results.append(run_phase(stack, sink, event, fault, 10 * number, args.registrations))
        report(results, args.registrations)

    return run_scenario(Stack("dialogue-event-fault-redis-"), scenario, sink)


if __name__ == "__main__":
    sys.exit(main())
