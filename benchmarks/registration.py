"""Requests per second of the public registration form, against reference views, in one run.

    .venv/bin/python benchmarks/registration.py [--clients 8] [--duration 10] [--warmup 2] [--only abcde]
                                                [--people 10000] [--statements] [--explain]

Prepares its own database (dialogue_event_bench), starts gunicorn (2 sync workers) on a free port of
127.0.0.1 with production settings (DEBUG off, manifest static files), and measures for a fixed time each:

  (a) GET  /bench/constant/                  a fixed small response: the framework's floor
  (b) POST /bench/insert/                    one INSERT through a raw cursor: the floor of a request that writes
  (c) GET  /en/events/<slug>/register/       the real registration form
  (d) POST /en/events/<slug>/register/       a real, valid registration with real CSRF; 302 counts as success
  (e) POST /bench/form/                      the floor of a form request: 25 plain fields, real CSRF, one INSERT
                                             in a transaction, 302

It prints requests/s, errors and the server's CPU per request for each, and the ratios POST registration /
floor (e), POST registration / INSERT (b) and GET form / constant against their targets. Then, in one process
through Django's test Client, it counts the statements one registration sends the database (BEGIN and COMMIT
included; --statements lists them). With --people N (default 10000) it then adds N registered people to the
event and measures (d) and its statements again: a registration must not cost more as the list grows.
--explain prints the plan of each statement of one registration and says whether any reads a table whole.
It always stops gunicorn, and exits 0 once the figures are printed (PASS or FAIL): it is a benchmark, not a
test; 1 when it could not run. See benchmarks/README.md.
"""

import argparse
import collections
import fcntl
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.registration_form import valid_registration  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"  # the only address this script ever connects to

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dialogue_event_bench")
# Its own Redis database and queue: the queued confirmation emails must never reach a development worker,
# which would look their ids up in another database.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CELERY_QUEUE = "dialogue-event-bench"

LOCK_FILE = Path(tempfile.gettempdir()) / "dialogue-event-benchmark.lock"

TARGETS = {
    "POST registration / floor (e)": 0.33,
    "POST registration / INSERT (b)": 0.2,
    "GET form / constant": 0.35,
}
STATEMENTS_TARGET = 6  # statements one registration sends the database, BEGIN and COMMIT included
GROWTH_TARGET = 1.25  # a registration's server CPU on the filled event, at most this times the empty event's
MAX_PEOPLE = 999_999  # their phone numbers are +996703 and 6 digits (setup_event.py people)

SOCKET_TIMEOUT = 10.0  # seconds; a request that takes longer counts as an error
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a bound on every request loop besides its deadline


# --------------------------------------------------------------------------------------------------
# The HTTP client.
#
# Why this and not http.client or requests: the machine has 2 cores, shared by the client, the two gunicorn
# workers, PostgreSQL and Redis, so every microsecond the client spends is taken from the server. This client
# sends pre-built request bytes and parses only the status line and headers: measured against a canned
# server, about 27 us of user CPU per request, against 100 us for http.client (plus about 75 us of kernel time
# for the TCP connection, whatever the client). The script measures its own CPU time during each phase and
# prints it ("client CPU", % of one core): about 2 % of a core on the registration pages; on the constant view
# about 40 %, two thirds of it kernel time, so the floors (a) and (b) are somewhat understated and the ratios
# somewhat optimistic, never pessimistic.
#
# Keep-alive: each client keeps its connection when the server allows it, but gunicorn's sync workers always
# answer "Connection: close" (they are meant to sit behind a buffering proxy), so in practice each request
# opens a new loopback TCP connection, as it does behind nginx. The client closes its socket as soon as the
# response is read: a sync worker waits for the peer's FIN before taking the next connection.
#
# 8 clients for 2 workers: each worker always finds the next connection waiting in the listen backlog, so
# the client's own time between two requests never leaves a worker idle; more clients only lengthen the queue
# (2, 4, 8 and 16 clients gave the same constant-view figure within 5 %).
# --------------------------------------------------------------------------------------------------


class HTTPError(Exception):
    pass


class Connection:
    def __init__(self, port):
        self.port = port
        self.sock = None

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def request(self, raw):
        """Send one request (bytes); return (status, [(header, value)...], body)."""
        for attempt in range(2):
            reused = self.sock is not None
            if not reused:
                self.sock = socket.create_connection((HOST, self.port), timeout=SOCKET_TIMEOUT)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.sock.sendall(raw)
                return self._read_response()
            except (OSError, HTTPError):
                self.close()
                # A kept-alive connection the server closed meanwhile: retry once on a new one.
                if not reused or attempt:
                    raise
        raise AssertionError("unreachable")

    def _read_response(self):
        buffer = bytearray()
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise HTTPError("connection closed before the response headers")
            buffer += chunk
            if len(buffer) > MAX_RESPONSE_BYTES:
                raise HTTPError("response headers too long")
        lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
        body = buffer[end + 4 :]
        status = int(lines[0].split(" ", 2)[1])
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip().lower(), value.strip()))
        header = dict(headers)
        if "chunked" in header.get("transfer-encoding", "").lower():
            raise HTTPError("chunked responses are not supported by this client")
        length = int(header["content-length"]) if "content-length" in header else None
        while length is None or len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                if length is None:
                    break  # the body ends with the connection
                raise HTTPError("connection closed in the middle of the body")
            body += chunk
            if len(body) > MAX_RESPONSE_BYTES:
                raise HTTPError("response body too long")
        if length is None or "close" in header.get("connection", "").lower():
            self.close()
        return status, headers, bytes(body)


def build_request(method, path, port, headers=(), body=b""):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "User-Agent: dialogue-event-benchmark"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def header_value(headers, name):
    return next((value for key, value in headers if key == name), None)


def cookie_from(headers, name):
    for key, value in headers:
        if key == "set-cookie" and value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


# --------------------------------------------------------------------------------------------------
# The five benchmarks. Each client thread calls setup(conn) once, then step(conn) in a loop; step returns
# None for a success, or a label (status code, reason) for an error.
# --------------------------------------------------------------------------------------------------


class Constant:
    title = "(a) GET  constant view"

    def __init__(self, port, client):
        self.raw = build_request("GET", "/bench/constant/", port)

    def setup(self, conn):
        pass

    def step(self, conn):
        status, _headers, _body = conn.request(self.raw)
        return None if status == 200 else status


class BareInsert(Constant):
    title = "(b) POST bare INSERT view"

    def __init__(self, port, client):
        self.raw = build_request("POST", "/bench/insert/", port)


class RegistrationForm(Constant):
    title = "(c) GET  registration form"

    def __init__(self, port, client, *, slug):
        # A first visit, as from a link shared on WhatsApp: no cookies.
        self.raw = build_request("GET", f"/en/events/{slug}/register/", port)

    def step(self, conn):
        status, _headers, body = conn.request(self.raw)
        if status != 200:
            return status
        return None if b'name="csrfmiddlewaretoken"' in body else "200 without the form"


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# Unique across all clients and all phases, so that (d) run again on the filled event registers new people
# (next() on a count is atomic in CPython).
PHONE_NUMBERS = itertools.count(1)


class RegistrationPost:
    title = "(d) POST registration (302)"
    done = "/registered/"  # where a success redirects to

    def __init__(self, port, client, *, slug, category, district):
        self.port, self.client, self.path = port, client, f"/en/events/{slug}/register/"
        self.category, self.district = category, district
        self.headers = None
        self.token = None

    def setup(self, conn):
        """Open the form once, as the person's browser does, and keep its CSRF cookie and token."""
        status, headers, body = conn.request(build_request("GET", self.path, self.port))
        match = CSRF_INPUT.search(body)
        cookie = cookie_from(headers, "csrftoken")
        if status != 200 or not match or not cookie:
            raise HTTPError(f"form page: status {status}, token {bool(match)}, cookie {bool(cookie)}")
        self.token = match.group(1).decode()
        self.headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", f"csrftoken={cookie}"),
            ("Origin", f"http://{HOST}:{self.port}"),
        ]

    def form_data(self):
        # As participants/tests/test_views.py's form_data(), with unique addresses and a fresh key. The
        # session cookie of the answer is not sent back: each POST is somebody else registering.
        number = next(PHONE_NUMBERS)
        if number > 999_999:
            raise HTTPError("out of unique phone numbers")
        return {
            "csrfmiddlewaretoken": self.token,
            **valid_registration(
                category=self.category,
                district=self.district,
                email=f"bench-{self.client}-{number}@example.org",
                phone=f"0700{number:06d}",
                submission_key=str(uuid.uuid4()),
            ),
        }

    def step(self, conn):
        body = urllib.parse.urlencode(self.form_data()).encode()
        status, headers, _body = conn.request(build_request("POST", self.path, self.port, self.headers, body))
        if status != 302:
            return status
        location = header_value(headers, "location") or ""
        return None if location.endswith(self.done) else f"302 to {location}"


class FormFloor(RegistrationPost):
    """The same submission, CSRF token and cookie as (d), to the form floor of benchmarks/views.py."""

    title = "(e) POST form floor (302)"
    done = "/bench/constant/"  # benchmarks/views.py's FORM_DONE_URL (this client does not load Django)

    def __init__(self, port, client, *, slug, category, district):
        super().__init__(port, client, slug=slug, category=category, district=district)
        self.path = "/bench/form/"


class FilledRegistrationPost(RegistrationPost):
    """(d) again, once --people registered people were added to the event: a row of its own in the report."""

    title = "(d) POST registration, filled"


# --------------------------------------------------------------------------------------------------
# Running a phase
# --------------------------------------------------------------------------------------------------


def cpu_by_process():
    """{pid: (command name, CPU ticks used so far)} for every process on the machine (Linux /proc)."""
    snapshot = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                name, rest = (entry / "stat").read_text().split(" (", 1)[1].rsplit(") ", 1)
                fields = rest.split()
                snapshot[int(entry.name)] = (name, int(fields[11]) + int(fields[12]))  # utime + stime
            except (OSError, IndexError, ValueError):
                pass
    return snapshot


def machine_ticks():
    """(busy, total) CPU ticks of the whole machine; time stolen by a hypervisor counts as busy."""
    # user nice system idle iowait irq softirq steal (guest time is already counted in user)
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def cpu_shares(before, after, *, workers, elapsed):
    """Cores used between two snapshots by the gunicorn workers, PostgreSQL and Redis."""
    tick = os.sysconf("SC_CLK_TCK")
    shares = collections.Counter()
    for pid, (name, ticks) in after.items():
        used = ticks - before.get(pid, (name, 0))[1]
        if pid == os.getpid():
            continue  # the client, measured with os.times()
        if pid in workers:
            group = "workers"
        elif name == "postgres":
            group = "postgres"
        elif "redis" in name:
            group = "redis"
        else:
            continue
        shares[group] += used / tick / elapsed
    return shares


def children_of(pid):
    return [child for child in cpu_by_process() if _parent_of(child) == pid]


def _parent_of(pid):
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def run_phase(make_benchmark, *, port, clients, warmup, duration, workers):
    """Run `clients` threads: setup, `warmup` seconds unmeasured, then `duration` seconds measured."""
    measuring = threading.Event()
    stop = threading.Event()
    ready = threading.Barrier(clients + 1, timeout=60)
    results = []
    lock = threading.Lock()

    def client_thread(index):
        benchmark = make_benchmark(index)
        conn = Connection(port)
        ok = all_ok = 0
        errors = collections.Counter()
        example = None
        try:
            benchmark.setup(conn)
        except Exception as error:  # noqa: BLE001  (reported as an error of the phase)
            errors[f"setup: {type(error).__name__}"] += 1
            example = str(error)
            stop_early = True
        else:
            stop_early = False
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            stop_early = True
        deadline = time.monotonic() + warmup + duration + 30
        for _ in range(0 if stop_early else MAX_REQUESTS_PER_CLIENT):
            if stop.is_set() or time.monotonic() > deadline:
                break
            try:
                failure = benchmark.step(conn)
            except Exception as error:  # noqa: BLE001
                conn.close()
                failure = type(error).__name__
                example = example or str(error)
            if failure is None:
                all_ok += 1
            counted = measuring.is_set()
            if failure is None and counted:
                ok += 1
            elif failure is not None and (counted or not stop.is_set()):
                errors[failure] += 1  # errors count during the warm-up too
        conn.close()
        with lock:
            results.append((ok, all_ok, errors, example))

    threads = [threading.Thread(target=client_thread, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
        time.sleep(warmup)
        client_cpu0, processes0, machine0 = os.times(), cpu_by_process(), machine_ticks()
        started = time.perf_counter()
        measuring.set()
        time.sleep(duration)
        measuring.clear()
        elapsed = time.perf_counter() - started
        client_cpu1, processes1, machine1 = os.times(), cpu_by_process(), machine_ticks()
    finally:
        stop.set()
        ready.abort()
        for thread in threads:
            thread.join(timeout=SOCKET_TIMEOUT + 5)
    shares = cpu_shares(processes0, processes1, workers=workers, elapsed=elapsed)
    client_cpu = (client_cpu1.user + client_cpu1.system - client_cpu0.user - client_cpu0.system) / elapsed
    machine_busy = (machine1[0] - machine0[0]) / max(machine1[1] - machine0[1], 1)
    # "other": whatever the machine did besides the client, the workers, PostgreSQL and Redis, including
    # processes that started and ended while measuring.
    known = client_cpu + shares["workers"] + shares["postgres"] + shares["redis"]
    shares["other"] = max(machine_busy * os.cpu_count() - known, 0.0)
    ok = sum(r[0] for r in results)
    errors = sum((r[2] for r in results), collections.Counter())
    return {
        "rps": ok / elapsed,
        "ok": ok,
        "all_ok": sum(r[1] for r in results),
        "errors": errors,
        "example": next((r[3] for r in results if r[3]), None),
        "client_cpu": client_cpu,
        "client_sys": (client_cpu1.system - client_cpu0.system) / elapsed,
        "shares": shares,
        "machine_busy": machine_busy,
    }


# --------------------------------------------------------------------------------------------------
# Setting up and tearing down
# --------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def bench_environment(static_root):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "REGISTRATION_RATE_LIMIT": "1000000/m",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": CELERY_QUEUE,
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }


def run(command, env, timeout):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def manage(env, *args, timeout=180):
    return run([PYTHON, "manage.py", *args], env, timeout)


def setup_event(env, action, *arguments, timeout=120):
    output = run([PYTHON, "benchmarks/setup_event.py", action, *arguments], env, timeout)
    return json.loads(output.strip().splitlines()[-1])


def die_with_parent():
    """In the gunicorn master: receive SIGTERM if this script dies without cleaning up (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start_gunicorn(env, port, log_path):
    command = [
        GUNICORN, "dialogue_event.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", "2",
        "--worker-class", "sync",
        "--timeout", "30",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        "--error-logfile", str(log_path),
        "--no-control-socket",
    ]  # fmt: skip
    # Its own session, so Ctrl-C reaches only this script, which then stops gunicorn itself.
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )


def wait_until_serving(server, port, log_path, timeout=30):
    raw = build_request("GET", "/bench/constant/", port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")
        conn = Connection(port)
        try:
            if conn.request(raw)[0] == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{log_path.read_text()}")


def stop_gunicorn(server):
    if server is None or server.poll() is not None:
        return
    server.terminate()  # only the master, by its pid; it stops its own workers
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def on_sigterm(signum, frame):
    raise KeyboardInterrupt


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def server_ms(result):
    """CPU milliseconds the server side (gunicorn workers, PostgreSQL, Redis) spent per successful request."""
    shares = result["shares"]
    return 1000 * (shares["workers"] + shares["postgres"] + shares["redis"]) / result["rps"] if result["rps"] else 0.0


def take_lock():
    """One benchmark at a time on this machine: they share the database and the CPU. Hold what it returns."""
    lock = open(LOCK_FILE, "w")  # noqa: SIM115  (held until the process exits)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit(f"Another benchmark run holds {LOCK_FILE}; wait for it to finish.")
    signal.signal(signal.SIGTERM, on_sigterm)
    # Also when started from a shell that ignores Ctrl-C in background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    return lock


def print_report(results, args, totals, counts, form_cost, statements):
    """results: {benchmark class: figures}; statements: {"empty": ..., "filled": ...} as setup_event.py prints them."""
    print()
    print(
        f"{args.clients} clients, {args.warmup:g} s warm-up + {args.duration:g} s measured per benchmark, "
        f"gunicorn 2 sync workers, {os.cpu_count()} CPU cores shared by client and server"
    )
    print()
    header = (
        f"{'benchmark':<31} {'req/s':>8} {'errors':>6}   CPU: {'client (kernel)':>15} {'workers':>7} {'postgres':>8} "
        f"{'redis':>5} {'other':>5} {'machine':>8} {'server ms':>10}"
    )
    print(header)
    print("-" * len(header))
    for benchmark, result in results.items():
        shares = result["shares"]
        print(
            f"{benchmark.title:<31} {result['rps']:>8.1f} {sum(result['errors'].values()):>6}        "
            f"{result['client_cpu']:>8.0%} ({result['client_sys']:>4.0%}) {shares['workers']:>7.0%} "
            f"{shares['postgres']:>8.0%} {shares['redis']:>5.0%} {shares['other']:>5.0%} {result['machine_busy']:>8.0%} {server_ms(result):>10.2f}"
        )
    print(
        "CPU used while measuring, in % of one core: this script (of which kernel time), the two gunicorn workers,\n"
        "PostgreSQL, Redis, and everything else; machine: % of all cores busy. Errors include the warm-up.\n"
        "server ms: CPU milliseconds of the workers, PostgreSQL and Redis together per successful request."
    )
    busy = {benchmark.title.split()[0]: result["shares"]["other"] for benchmark, result in results.items()}
    if max(busy.values()) > 0.1:
        print(
            "WARNING: other processes used the CPU while measuring ("
            + ", ".join(f"{name} {share:.0%}" for name, share in busy.items())
            + " of a core): these figures understate the server; run again on a quiet machine."
        )
    for benchmark, result in results.items():
        if result["errors"]:
            detail = ", ".join(f"{label}: {n}" for label, n in result["errors"].most_common())
            print(f"  errors in {benchmark.title.strip()}: {detail}")
            if result["example"]:
                print(f"    e.g. {result['example'][:300]}")
    print()
    print_ratios(results, form_cost)
    if statements:
        print_statements(statements, args)
    if FilledRegistrationPost in results:
        print_growth(results, statements, args.people, totals)
    print()
    checks = [
        (
            counts["participants"],
            totals["registrations"] + totals["people"],
            f"participants in the database for {totals['registrations']} successful registrations (POSTs and test "
            f"Client) + {totals['people']} people added",
        ),
        (
            counts["benchmark_insert"],
            totals["inserts"],
            f"rows in benchmark_insert for {totals['inserts']} successful INSERT requests",
        ),
        (
            counts["benchmark_form"],
            totals["forms"],
            f"rows in benchmark_form for {totals['forms']} successful form floor POSTs",
        ),
    ]
    for number, (found, expected, what) in enumerate(checks):
        print(f"{'check:' if number == 0 else '':<6} {found} {what}" + ("" if found == expected else "  <-- MISMATCH"))


def print_ratios(results, form_cost):
    rps = {benchmark: result["rps"] for benchmark, result in results.items()}
    ratios = {
        name: rps[numerator] / rps[denominator] if rps[denominator] else 0.0
        for name, numerator, denominator in (
            ("POST registration / floor (e)", RegistrationPost, FormFloor),
            ("POST registration / INSERT (b)", RegistrationPost, BareInsert),
            ("GET form / constant", RegistrationForm, Constant),
        )
        if numerator in rps and denominator in rps
    }
    if ratios:
        print(f"{'ratio':<31} {'value':>6} {'target':>8}  result")
    for name, value in ratios.items():
        target = TARGETS[name]
        print(f"{name:<31} {value:>6.2f} {'>= ' + format(target, '.2f'):>8}  {'PASS' if value >= target else 'FAIL'}")
    if RegistrationPost in results and FormFloor in results and form_cost is not None:
        target = TARGETS["POST registration / floor (e)"]
        floor, cost = server_ms(results[FormFloor]), server_ms(results[RegistrationPost])
        print(
            f"\nbudget: at POST registration / floor (e) = {target:.2f} a registration may cost the server "
            f"{floor / target:.1f} ms of CPU\n"
            f"        (the floor's {floor:.1f} ms / {target:.2f}); it costs {cost:.1f} ms.\n"
            f"        Building and validating the registration form alone (in one process, nothing saved) "
            f"takes {form_cost['form_ms']:.1f} ms."
        )


def print_statements(statements, args):
    print()
    print(
        "statements sent to the database by one registration (BEGIN and COMMIT included), "
        f"target <= {STATEMENTS_TARGET}:"
    )
    for label, counted in statements.items():
        where = "on the event as measured" if label == "empty" else f"with {args.people} people added"
        if "error" in counted:
            print(f"  {where}: could not count them  FAIL\n    {counted['error'][-1500:]}")
            continue
        verdict = "PASS" if counted["count"] <= STATEMENTS_TARGET else "FAIL"
        print(f"  {where}: {counted['count']}  {verdict}")
        if args.statements:
            for number, sql in enumerate(counted["statements"], 1):
                print(f"    {number:>3}  {sql[:120]}")
    explained = next((counted for counted in reversed(statements.values()) if "plans" in counted), None)
    if explained is not None:
        where = "with the people added" if "filled" in statements else "on the event as measured"
        print_plans(explained["plans"], where, explained["seq_scan_rows"])


def print_plans(plans, where, seq_scan_rows):
    print()
    print(f"plans of one registration's statements {where} (EXPLAIN with the statement's own parameters):")
    seq_scans, whole_index_scans = [], []
    for plan in plans:
        marks = [f"SEQ SCAN on {table}" for table in plan["seq_scans"]]
        marks += [f"whole index of {table} walked" for table in plan["whole_index_scans"]]
        print(f"  [{plan['number']}] {plan['sql'][:120]}" + (f"  <-- {', '.join(marks)}" if marks else ""))
        if plan["error"]:
            print(f"        could not explain it: {plan['error']}")
        for line in plan["plan"]:
            flagged = any(f"Seq Scan on {table}" in line for table in plan["seq_scans"])
            print(f"        {line}" + ("  <-- SEQ SCAN" if flagged else ""))
        seq_scans += [(plan, table) for table in plan["seq_scans"]]
        whole_index_scans += [(plan, table) for table in plan["whole_index_scans"]]
    if seq_scans:
        print(f"FAIL: a sequential scan of a table of more than {seq_scan_rows} rows in:")
        for plan, table in seq_scans:
            print(f"  [{plan['number']}] {table}: {plan['sql'][:120]}")
    else:
        print("PASS: no sequential scan")
    for plan, table in whole_index_scans:
        print(
            f"note: [{plan['number']}] walks an index of {table} without an index condition, filtering every row "
            "(a sequential scan in all but name)"
        )


def print_growth(results, statements, people, totals):
    empty, filled = results[RegistrationPost], results[FilledRegistrationPost]
    # No successful registration in either run is no figure at all: a FAIL, never a PASS by a zero.
    ratio = server_ms(filled) / server_ms(empty) if server_ms(empty) and server_ms(filled) else float("inf")
    counted = {label: statements.get(label, {}).get("count", "?") for label in ("empty", "filled")}
    print()
    print(f"{'registration (d) as the list grows':<42} {'req/s':>8} {'server ms':>10} {'statements':>11}")
    print(
        f"{'event as measured above (' + str(totals['before_people']) + ' people)':<42} {empty['rps']:>8.1f} "
        f"{server_ms(empty):>10.2f} {counted['empty']:>11}"
    )
    print(
        f"{'with ' + str(people) + ' people added':<42} {filled['rps']:>8.1f} {server_ms(filled):>10.2f} "
        f"{counted['filled']:>11}"
    )
    verdict = "PASS" if ratio <= GROWTH_TARGET else "FAIL"
    print(f"filled / empty server ms: {ratio:.2f} (target <= {GROWTH_TARGET:.2f})  {verdict}")


def count_statements(env, *, explain):
    """setup_event.py statements, in its own process; a failure is reported with the figures rather than lost."""
    # The test Client's requests come from the host "testserver".
    env = {**env, "ALLOWED_HOSTS": f"testserver,{HOST}"}
    try:
        return setup_event(env, "statements", *(["--explain"] if explain else []))
    except (RuntimeError, ValueError) as error:
        return {"error": str(error), "registrations": 0}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, choices=range(1, 65), metavar="1..64")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per benchmark (1-60)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each (0-30)")
    parser.add_argument(
        "--only", default="abcde", help="which benchmarks to run, e.g. --only ad (default: abcde, all five)"
    )
    parser.add_argument(
        "--people",
        type=int,
        default=10_000,
        help="registered people to add before measuring (d) again (default 10000; 0: skip); needs d in --only",
    )
    parser.add_argument("--statements", action="store_true", help="list the statements of one registration")
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each statement of one registration (needs d)"
    )
    args = parser.parse_args()
    if not (1 <= args.duration <= 60 and 0 <= args.warmup <= 30):
        parser.error("--duration must be within 1..60 and --warmup within 0..30")
    if not args.only or set(args.only) - set("abcde"):
        parser.error("--only takes letters among a, b, c, d and e")
    if not 0 <= args.people <= MAX_PEOPLE:
        parser.error(f"--people must be within 0..{MAX_PEOPLE}")
    database_name = urllib.parse.urlsplit(DATABASE_URL).path.lstrip("/")
    if not database_name.endswith("_bench"):
        sys.exit(f"Refusing to use database {database_name!r}: the benchmark only uses a database named *_bench.")
    for path in (PYTHON, GUNICORN):
        if not path.exists():
            sys.exit(f"{path} is missing: create the virtualenv first (make setup).")

    _lock = take_lock()
    workdir = Path(tempfile.mkdtemp(prefix="dialogue-event-bench-"))
    static_root, log_path = workdir / "static", workdir / "gunicorn.log"
    env = bench_environment(static_root)
    # Adding the people, and removing them, takes longer the more there are.
    people_timeout = 120 + args.people // 200
    server = None
    started = time.monotonic()
    try:
        print(f"Preparing {database_name}: database, migrations, static files, event...", flush=True)
        manage(env, "ensure_database", timeout=60)
        manage(env, "migrate", "--no-input", timeout=300)
        manage(env, "collectstatic", "--no-input", "--verbosity", "0", timeout=180)
        event = setup_event(env, "setup")
        setup_event(env, "cleanup")

        port = free_port()
        server = start_gunicorn(env, port, log_path)
        wait_until_serving(server, port, log_path)
        workers = children_of(server.pid)
        print(f"gunicorn serving on http://{HOST}:{port}/ (workers {workers}), event {event['slug']!r}", flush=True)

        benchmarks = {
            Constant: lambda i: Constant(port, i),
            BareInsert: lambda i: BareInsert(port, i),
            RegistrationForm: lambda i: RegistrationForm(port, i, slug=event["slug"]),
            RegistrationPost: lambda i: RegistrationPost(port, i, **event),
            FormFloor: lambda i: FormFloor(port, i, **event),
            FilledRegistrationPost: lambda i: FilledRegistrationPost(port, i, **event),
        }

        def measure(benchmark):
            print(f"  {benchmark.title.strip()}...", flush=True)
            return run_phase(
                benchmarks[benchmark],
                port=port,
                clients=args.clients,
                warmup=args.warmup,
                duration=args.duration,
                workers=workers,
            )

        results = {}
        for letter, benchmark in zip("abcde", (Constant, BareInsert, RegistrationForm, RegistrationPost, FormFloor)):
            if letter in args.only:
                results[benchmark] = measure(benchmark)
        totals = {
            "registrations": results[RegistrationPost]["all_ok"] if RegistrationPost in results else 0,
            "inserts": results[BareInsert]["all_ok"] if BareInsert in results else 0,
            "forms": results[FormFloor]["all_ok"] if FormFloor in results else 0,
            "people": 0,
        }
        statements = {}
        if RegistrationPost in results:
            print("  statements of one registration (test Client)...", flush=True)
            statements["empty"] = count_statements(env, explain=args.explain and not args.people)
            totals["registrations"] += statements["empty"]["registrations"]
            if args.people:
                totals["before_people"] = totals["registrations"]
                print(f"  adding {args.people} registered people, VACUUM ANALYZE...", flush=True)
                added = setup_event(env, "people", str(args.people), timeout=people_timeout)
                totals["people"] = added["people"]
                print(f"  statements of one registration with {args.people} people (test Client)...", flush=True)
                statements["filled"] = count_statements(env, explain=args.explain)
                totals["registrations"] += statements["filled"]["registrations"]
                results[FilledRegistrationPost] = measure(FilledRegistrationPost)
                totals["registrations"] += results[FilledRegistrationPost]["all_ok"]
        stop_gunicorn(server)
        if log_path.exists() and log_path.read_text().strip():
            print(f"\ngunicorn's log (warnings and errors):\n{log_path.read_text()[-3000:]}")
        # Measured after gunicorn stopped, so that nothing else competes for the cores.
        form_cost = setup_event(env, "form-cost") if RegistrationPost in results else None
        print_report(results, args, totals, setup_event(env, "count"), form_cost, statements)
        print(f"\n(total run time {time.monotonic() - started:.0f} s)")
        return 0
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001
        print(f"\nThe benchmark could not run: {error}", file=sys.stderr)
        if log_path.exists() and log_path.read_text().strip():
            print(f"gunicorn's log:\n{log_path.read_text()[-3000:]}", file=sys.stderr)
        return 1
    finally:
        stop_gunicorn(server)
        try:
            setup_event(env, "teardown", timeout=people_timeout)
        except Exception as error:  # noqa: BLE001
            print(f"Could not remove the benchmark's event and Redis keys: {error}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
