"""What the fault scenarios share: a PostgreSQL and a Redis of their own, and the web stack served against them.

A scenario stops, freezes, restarts or locks these private services, never the machine's shared PostgreSQL (5432)
and Redis (6379). Each lives on a free loopback port in a temporary folder and is removed when the scenario ends,
also after an error or Ctrl-C. gunicorn, the Celery worker and the SMTP sink are those of benchmarks/registration.py and
benchmarks/mailbench.py.
"""

import dataclasses
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.mailbench import Beat, Worker, environment  # noqa: E402
from benchmarks.registration import (  # noqa: E402
    HOST,
    Connection,
    HTTPError,
    RegistrationPost,
    bench_environment,
    build_request,
    die_with_parent,
    free_port,
    manage,
    setup_event,
    start_gunicorn,
    stop_gunicorn,
    wait_until_serving,
)

DATABASE_NAME = "dialogue_event_bench"  # the name benchmarks/setup_event.py insists on


class PrivateRedis:
    """A redis-server on a free port that keeps nothing on disk; it can be stopped, started again and frozen."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.process = None

    def start(self, timeout=10):
        import redis

        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            try:
                redis.Redis.from_url(self.url, socket_timeout=1).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def freeze(self):
        """SIGSTOP: connections are still accepted (by the kernel), but nothing is ever answered."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.thaw()  # a stopped process would not act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def postgresql_binary(name):
    """Debian's PostgreSQL server programs are not on PATH; the newest installed version's."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        sys.exit(f"{name} is missing: the scenario needs the PostgreSQL server programs (Debian's postgresql package).")
    return found


class PrivatePostgres:
    """A PostgreSQL cluster of its own (trust authentication, loopback only, no fsync), in a temporary folder."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"postgres://postgres@{HOST}:{self.port}/{DATABASE_NAME}"
        self.data = Path(workdir) / "postgres"
        self.log = Path(workdir) / "postgres.log"
        self.started = False

    def _run(self, program, *arguments, timeout=120):
        # PostgreSQL refuses to run as root: as root, run it as the postgres user, who owns the folder.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        # The server pg_ctl starts writes to the log file, never to these pipes, or run() would wait for it.
        result = subprocess.run(
            [*prefix, postgresql_binary(program), *arguments],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"{program} {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")

    def start(self):
        self.data.mkdir()
        self.log.touch()
        if os.geteuid() == 0:
            for path in (self.data, self.log):
                shutil.chown(path, "postgres")
        # UTF-8 whatever the machine's locale: the people's names are in Kyrgyz and Russian.
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-sync")  # fmt: skip
        options = f"-p {self.port} -c listen_addresses={HOST} -k {self.data} -c fsync=off -c synchronous_commit=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        self.started = True

    def restart(self):
        """`pg_ctl restart -m fast`: the server disconnects every session, stops and starts again."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")

    def query(self, sql):
        import psycopg2

        database = psycopg2.connect(self.url, connect_timeout=10)
        try:
            with database.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            database.close()

    def stop(self):
        if self.started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop", timeout=60)
            self.started = False


class Stack:
    """A private PostgreSQL and Redis, gunicorn (2 sync workers, --timeout 30) serving the app against them, and
    optionally a Celery worker and beat sending to an SMTP sink; everything stopped by stop()."""

    def __init__(self, prefix):
        self.workdir = Path(tempfile.mkdtemp(prefix=prefix))
        if os.geteuid() == 0:
            os.chmod(self.workdir, 0o755)  # the postgres user reaches its folder inside
        self.postgres = PrivatePostgres(self.workdir)
        self.redis = PrivateRedis()
        self.server = self.worker = self.beat = None
        self.env = None
        self.port = None

    def start(self, *, sink_port=None):
        """Start the services, migrate, create the benchmark's event; returns the event ({slug, category, district})."""
        self.postgres.start()
        self.redis.start()
        self.env = {
            **bench_environment(self.workdir / "static"),
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url,
            "CELERY_BROKER_URL": self.redis.url,
            "CACHE_URL": self.redis.url,
        }
        if sink_port is not None:
            mail = environment(sink_port)
            self.env.update({key: mail[key] for key in mail if key.startswith("EMAIL_")})
        manage(self.env, "ensure_database", timeout=60)
        manage(self.env, "migrate", "--no-input", timeout=300)
        manage(self.env, "collectstatic", "--no-input", "--verbosity", "0", timeout=180)
        event = setup_event(self.env, "setup")
        self.port = free_port()
        log = self.workdir / "gunicorn.log"
        self.server = start_gunicorn(self.env, self.port, log)
        wait_until_serving(self.server, self.port, log)
        return event

    def start_worker(self):
        """A Celery worker (prefork, 2 processes, as in the Procfile), and beat for the sweeper."""
        self.worker = Worker(self.env, self.workdir, pool="prefork", concurrency=2)
        self.worker.start()
        (self.workdir / "beat").mkdir()  # its log apart from the worker's
        self.beat = Beat(self.env, self.workdir / "beat")
        self.beat.start()

    def log_ends(self, names=("gunicorn.log", "worker-1.log", "beat/worker-1.log")):
        """The end of each of these logs that has anything in it."""
        ends = []
        for name in names:
            path = self.workdir / name
            text = path.read_text().strip() if path.exists() else ""
            if text:
                ends.append(f"{name}, the end:\n{text[-2000:]}")
        return "\n".join(ends)

    def stop(self):
        for stop in (lambda: stop_gunicorn(self.server), lambda: self.worker and self.worker.stop(),
                     lambda: self.beat and self.beat.stop(), self.redis.stop, self.postgres.stop):  # fmt: skip
            try:
                stop()
            except Exception as error:  # noqa: BLE001  (stop the rest whatever happens)
                print(f"Could not stop part of the stack: {error}", file=sys.stderr)
        shutil.rmtree(self.workdir, ignore_errors=True)


def run_scenario(stack, scenario, *others):
    """scenario(stack), then the stack and the others (each with stop()) stopped whatever happened. The exit code:
    0 once the figures are printed, 1 when it could not run, 130 on Ctrl-C."""
    started = time.monotonic()
    try:
        scenario(stack)
        print(f"\n(total run time {time.monotonic() - started:.0f} s)")
        return 0
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001
        print(f"\nThe scenario could not run: {type(error).__name__}: {error}", file=sys.stderr)
        print(stack.log_ends(), file=sys.stderr)
        return 1
    finally:
        for other in others:
            other.stop()
        stack.stop()


@dataclasses.dataclass
class Answer:
    email: str
    status: object  # the HTTP status, or the name of the error when there was no answer
    seconds: float
    headers: list
    body: bytes

    @property
    def registered(self):
        location = next((value for name, value in self.headers if name == "location"), "")
        return self.status == 302 and location.endswith("/registered/")


class Registrant:
    """A phone that opened the form once (with Redis and PostgreSQL well) and then sends it for new people, one
    after the other: unique addresses, a fresh submission key, the CSRF cookie and token of that first visit."""

    def __init__(self, port, client, event, language="en"):
        self.poster = RegistrationPost(port, client, **event)
        self.poster.path = f"/{language}/events/{event['slug']}/register/"
        self.connection = Connection(port)
        self.poster.setup(self.connection)

    def register(self):
        data = self.poster.form_data()
        raw = build_request(
            "POST", self.poster.path, self.poster.port, self.poster.headers, urllib.parse.urlencode(data).encode()
        )
        started = time.perf_counter()
        try:
            status, headers, body = self.connection.request(raw)
        except (OSError, HTTPError) as error:
            self.connection.close()
            return Answer(data["email"], type(error).__name__, time.perf_counter() - started, [], b"")
        return Answer(data["email"], status, time.perf_counter() - started, headers, body)


def describe_seconds(answers):
    seconds = sorted(answer.seconds for answer in answers)
    if not seconds:
        return "no answers"
    return f"median {seconds[len(seconds) // 2]:.2f} s, slowest {seconds[-1]:.2f} s"
