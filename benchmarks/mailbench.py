"""What benchmarks/mail_dispatch.py and benchmarks/worker_kill.py share: the database, the SMTP sink, the workers.

Both run Django in their own process (DJANGO_SETTINGS_MODULE=benchmarks.settings) against the database
dialogue_event_bench, Redis database 13 and the Celery queue "bench-mail", so that nothing they queue ever
reaches a development worker; they start real Celery worker processes that send to an aiosmtpd server running
in a thread of the benchmark's process. See benchmarks/README.md.
"""

import collections
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.registration import (  # noqa: E402
    HOST,
    PYTHON,
    ROOT,
    cpu_by_process,
    die_with_parent,
    free_port,
    machine_ticks,
    manage,
    take_lock,  # noqa: F401  (the mail benchmarks take it from here)
)

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dialogue_event_bench")
REDIS_URL = os.environ.get("BENCH_MAIL_REDIS_URL", "redis://127.0.0.1:6379/13")
CELERY_QUEUE = "bench-mail"


class Sink:
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps each message's recipient and size."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.received = []  # (envelope recipient, bytes, time.perf_counter() when accepted)
        self.changed = threading.Condition()
        self.controller = Controller(self, hostname=HOST, port=self.port)

    async def handle_DATA(self, server, session, envelope):
        with self.changed:
            for recipient in envelope.rcpt_tos:
                self.received.append((recipient, len(envelope.content), time.perf_counter()))
            self.changed.notify_all()
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()

    def stop(self):
        try:
            self.controller.stop()
        except Exception:  # noqa: BLE001  (never started, or already stopped)
            pass

    def count(self):
        with self.changed:
            return len(self.received)

    def clear(self):
        with self.changed:
            self.received.clear()

    def wait_for(self, count, timeout):
        """Wait until `count` messages arrived; return whether they did."""
        with self.changed:
            return self.changed.wait_for(lambda: len(self.received) >= count, timeout=timeout)


def environment(sink_port):
    """The environment of this process's Django and of the workers: production settings, our own data."""
    return {
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": CELERY_QUEUE,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(sink_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "LOG_LEVEL": "WARNING",
    }


# The benchmarks of pages (the import, the door, the admin's lists) run Django in their own process.
WEB_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def web_environment(static_root):
    """Production settings for a benchmark of pages, served by the test client: no HTTPS, our own data."""
    return {
        "STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": WEB_REDIS_URL,
        "CELERY_BROKER_URL": WEB_REDIS_URL,
        "CACHE_URL": WEB_REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": "dialogue-event-bench",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def check_database_name():
    name = urllib.parse.urlsplit(DATABASE_URL).path.lstrip("/")
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to use database {name!r}: the benchmark only uses a database named *_bench.")
    return name


def setup_django(env, *, collect_static=False):
    """Create and migrate the database, then start Django in this process with the same environment.

    collect_static: for pages whose static() needs the files' manifest, as in production.
    """
    os.environ.update(env)
    full_env = dict(os.environ)
    manage(full_env, "ensure_database", timeout=60)
    manage(full_env, "migrate", "--no-input", timeout=300)
    if collect_static:
        manage(full_env, "collectstatic", "--no-input", "--verbosity", "0", timeout=300)
    import django

    django.setup()
    from django.db import connection

    if not connection.settings_dict["NAME"].endswith("_bench"):
        sys.exit("Refusing to use a database whose name does not end in _bench.")


def run_with_pages(run, *, what, cleanup=None):
    """Prepare the database and the static files (with their manifest, in a temporary folder), start Django with
    production settings in this process, and return run()'s exit status: 1, saying why, when it could not run.

    For the benchmarks of pages; `cleanup` removes what the benchmark made, whatever happened.
    """
    with tempfile.TemporaryDirectory(prefix="dialogue-event-bench-static-") as static_root:
        try:
            print(f"Preparing the database, the static files and {what}...", flush=True)
            setup_django(web_environment(static_root), collect_static=True)
            try:
                return run()
            finally:
                if cleanup is not None:
                    cleanup()
        except KeyboardInterrupt:
            print("Interrupted" + ("; what the benchmark made was removed." if cleanup else "."), file=sys.stderr)
            return 1
        except Exception as error:  # noqa: BLE001
            print(f"\nThe benchmark could not run: {type(error).__name__}: {error}", file=sys.stderr)
            return 1


def create_event(slug, title, purpose):
    """A fresh, published event a month ahead, with room for everybody (any earlier one of this slug goes first)."""
    import datetime

    from django.utils import timezone

    from agenda.models import Event

    delete_event(slug)
    starts_at = timezone.now() + datetime.timedelta(days=30)
    return Event.objects.create(
        slug=slug,
        title=title,
        theme="Women's leadership for peace and security in the Fergana valley",
        purpose=purpose,
        city="Osh",
        venue="Conference hall",
        address="Lenin street 1, Osh",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=8),
        capacity=100_000,
        is_published=True,
        contact_email="dialogue@example.org",
    )


def create_invitees(slug, count):
    """A fresh event with `count` invited participants (unique emails, Russian/Kyrgyz/English); returns the event."""
    from participants.models import Participant

    event = create_event(slug, "Benchmark dialogue: women's leadership for peace", "To measure sending invitations.")
    languages = ["ru", "ky", "en"]
    Participant.objects.bulk_create(
        Participant(
            event=event,
            full_name=f"Айгүл Өмүрбекова {number}",
            email=f"invitee-{number:05d}@example.org",
            preferred_language=languages[number % len(languages)],
        )
        for number in range(count)
    )
    return event


def delete_event(slug):
    from agenda.models import Event
    from participants.models import Participant

    # Participants first: their category is PROTECTed, so the event cannot cascade to both.
    Participant.objects.filter(event__slug=slug).delete()
    Event.objects.filter(slug=slug).delete()


def run_admin_action(event):
    """The organiser ticks everybody and runs "Send invitations": the admin action itself, as a staff user."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    from participants.models import Participant

    user, _ = get_user_model().objects.get_or_create(
        username="benchmark-organiser", defaults={"is_staff": True, "is_superuser": True}
    )
    request = RequestFactory().post("/admin/participants/participant/", {"action": "send_invitations"})
    request.user = user
    request._messages = CookieStorage(request)
    model_admin = admin.site._registry[Participant]
    model_admin.send_invitations(request, Participant.objects.filter(event=event))
    return [str(message) for message in request._messages]


class Worker:
    """One Celery worker (its main process and its pool), in its own process group so it can be killed whole."""

    def __init__(self, env, log_dir, *, pool, concurrency):
        self.env = {**os.environ, **env, "LOG_LEVEL": "INFO"}
        self.log_dir = Path(log_dir)
        self.pool, self.concurrency = pool, concurrency
        self.process = None
        self.log_path = None
        self.starts = 0
        self.ready_line = " ready."

    def command(self):
        return [
            str(PYTHON), "-m", "celery", "-A", "dialogue_event", "worker",
            f"--pool={self.pool}", f"--concurrency={self.concurrency}",
            "--without-mingle", "--without-gossip", "--without-heartbeat",
            "--loglevel=INFO", f"--hostname=bench-mail-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip

    def start(self, timeout=60):
        self.starts += 1
        self.log_path = self.log_dir / f"worker-{self.starts}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while self.ready_line not in self.log_path.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery {self.command()[4]} did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.1)

    def pids(self):
        """The worker's processes (main process and pool children)."""
        if self.process is None or self.process.poll() is not None:
            return set()
        group = set()
        for pid in cpu_by_process():
            try:
                if os.getpgid(pid) == self.process.pid:
                    group.add(pid)
            except OSError:
                pass
        return group

    def kill(self):
        """kill -9 the whole worker, as when the machine or the container dies."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # pool children that outlived their parent
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait(timeout=5)


class Beat(Worker):
    """Celery beat with the project's schedule (the outbox sweeper every half minute), in its own process group."""

    def __init__(self, env, log_dir):
        super().__init__(env, log_dir, pool="solo", concurrency=1)
        self.ready_line = "beat: Starting..."

    def command(self):
        schedule = self.log_dir / "celerybeat-schedule"
        return [str(PYTHON), "-m", "celery", "-A", "dialogue_event", "beat", "--loglevel=INFO", f"--schedule={schedule}"]


def queue_length():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_timeout=5).llen(CELERY_QUEUE)


def cleanup_redis():
    """Remove the queue and kombu's bookkeeping (tasks a killed worker held unacknowledged) from our Redis db."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    removed = 0
    for pattern in (f"{CELERY_QUEUE}*", f"_kombu.binding.{CELERY_QUEUE}", "unacked*", "*.reply.celery.pidbox",
                    "_kombu.binding.celery.pidbox", "_kombu.binding.reply.celery.pidbox",
                    "dialogue_event_bench*"):  # fmt: skip
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            removed += client.delete(*keys)
    return removed


class CpuMeter:
    """Cores used during a phase by this process, the workers, PostgreSQL, Redis, and the rest of the machine."""

    def start(self, worker_pids):
        self.worker_pids = set(worker_pids)
        self.times0, self.processes0, self.machine0 = os.times(), cpu_by_process(), machine_ticks()
        self.started = time.perf_counter()

    def stop(self, worker_pids=()):
        elapsed = time.perf_counter() - self.started
        times1, processes1, machine1 = os.times(), cpu_by_process(), machine_ticks()
        workers = self.worker_pids | set(worker_pids)
        tick = os.sysconf("SC_CLK_TCK")
        shares = collections.Counter()
        shares["this process"] = (
            times1.user + times1.system - self.times0.user - self.times0.system
        ) / elapsed
        for pid, (name, ticks) in processes1.items():
            if pid == os.getpid():
                continue
            used = (ticks - self.processes0.get(pid, (name, 0))[1]) / tick / elapsed
            if pid in workers:
                shares["workers"] += used
            elif name == "postgres":
                shares["postgres"] += used
            elif "redis" in name:
                shares["redis"] += used
        busy = (machine1[0] - self.machine0[0]) / max(machine1[1] - self.machine0[1], 1)
        known = sum(shares.values())
        shares["other"] = max(busy * os.cpu_count() - known, 0.0)
        shares["machine"] = busy
        return shares


def describe_cpu(shares):
    names = ("this process", "workers", "postgres", "redis", "other")
    parts = ", ".join(f"{name} {shares[name]:.0%}" for name in names)
    return f"CPU in % of one core: {parts}; machine {shares['machine']:.0%} of {os.cpu_count()} cores busy"


class Run:
    """What a mail benchmark starts, stopped again whatever happens: the SMTP server, a worker, its event,
    its Redis keys and a working folder."""

    def __init__(self, slug, prefix):
        self.slug = slug
        self.workdir = Path(tempfile.mkdtemp(prefix=prefix))
        self.sink = Sink()
        self.worker = None
        self.django_ready = False
        self.started = time.monotonic()

    def prepare(self, count):
        """Start the SMTP server and Django, and create the event with `count` invitees; returns (env, event)."""
        self.sink.start()
        env = environment(self.sink.port)
        print(f"Preparing {check_database_name()}: database, migrations, {count} invited participants...", flush=True)
        setup_django(env)
        self.django_ready = True
        cleanup_redis()
        return env, create_invitees(self.slug, count)

    def execute(self, measure):
        """Call measure(): exit code 0 once it printed its figures, 130 on Ctrl-C, 1 when it could not run."""
        try:
            measure()
            print(f"\n(total run time {time.monotonic() - self.started:.0f} s)")
            return 0
        except KeyboardInterrupt:
            print("\nInterrupted.", file=sys.stderr)
            return 130
        except Exception as error:  # noqa: BLE001
            print(f"\nThe benchmark could not run: {type(error).__name__}: {error}", file=sys.stderr)
            if self.worker is not None and self.worker.log_path and self.worker.log_path.exists():
                print(f"worker's log:\n{self.worker.log_path.read_text()[-3000:]}", file=sys.stderr)
            return 1
        finally:
            if self.worker is not None:
                self.worker.stop()
            self.sink.stop()
            try:
                print(f"(removed {cleanup_redis()} Redis keys)", file=sys.stderr)
                if self.django_ready:
                    delete_event(self.slug)
            except Exception as error:  # noqa: BLE001
                print(f"Could not clean up: {error}", file=sys.stderr)
            shutil.rmtree(self.workdir, ignore_errors=True)
