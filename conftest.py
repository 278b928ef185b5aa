"""Fixtures shared by every app's tests."""

import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings
from django.utils import translation

from dialogue_event.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent


def _database_url():
    """The URL of the database this test uses, for a process started beside it."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(tmp_path):
    """A real Celery worker, in its own process, consuming the tests' queue on the real Redis.

    Request `transactional_db` before this fixture when the tasks read what the
    test wrote: the worker then connects to the test database.
    """
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    with celery_app.connection_for_write() as broker:
        broker.default_channel.queue_purge(queue)
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # Where the test's own SMTP server listens, when it started one (smtp_inbox).
        "EMAIL_HOST": settings.EMAIL_HOST,
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        # Where the test's own SMS gateway listens, when it started one (sms_gateway).
        "SMS_BACKEND": settings.SMS_BACKEND,
        "SMS_ANDROID_URL": settings.SMS_ANDROID_URL,
        "SMS_ANDROID_USERNAME": settings.SMS_ANDROID_USERNAME,
        "SMS_ANDROID_PASSWORD": settings.SMS_ANDROID_PASSWORD,
    }
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "dialogue_event", "worker",
                "--pool=solo", "--without-mingle", "--without-gossip", "--loglevel=INFO",
                f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing():
    """Passwords hashed in a blink: PBKDF2's 0.34 s a password made every demo load cost a second (its three
    accounts). Hashes made the real way (by a command run in its own process) still verify."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]):
        yield


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """Each test starts in the site's language: a request in Russian leaves Russian active in the thread
    (LocaleMiddleware does not undo it), and the next test's gettext would answer in Russian."""
    yield
    translation.deactivate()


def _wait_until(condition, seconds=30):
    """Whether `condition()` came true within `seconds`, asked five times a second (a worker, a mail server)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@pytest.fixture
def wait_for():
    return _wait_until


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads (events' logos) go to a folder of the test's own, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def organiser(django_user_model):
    """The organisers' role as the demo has it: staff in the Organisers group, not a superuser."""
    from dialogue_event.roles import ensure_role_groups

    user = django_user_model.objects.create_user("organiser", is_staff=True)
    user.groups.add(ensure_role_groups())
    return user


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium(monkeypatch, extra_args=()):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes meanwhile are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=[*CHROMIUM_ARGS, *extra_args]
        )
        yield chromium
        chromium.close()
        # While that loop runs, Django keys its connections to the loop's
        # context: close them here, or they outlive the test database.
        connections.close_all()


@pytest.fixture
def browser(monkeypatch):
    """Debian's headless chromium, driven by Playwright."""
    yield from _chromium(monkeypatch)


@pytest.fixture
def camera_video(tmp_path):
    """Where camera_browser's camera plays its video from (write a Y4M file there before the page asks for it)."""
    return tmp_path / "camera.y4m"


@pytest.fixture
def camera_browser(monkeypatch, camera_video):
    """Chromium whose camera shows the file camera_video (participants.tests.fake_camera writes one)."""
    yield from _chromium(
        monkeypatch,
        [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_video}",
        ],
    )


@pytest.fixture
def log_in_browser(live_server):
    """A function: a new context of a browser, logged in as a user on the live server."""
    from django.test import Client

    def log_in(browser, user, **context_options):
        client = Client()
        client.force_login(user)
        context = browser.new_context(**context_options)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        return context

    return log_in


AXE_SCRIPT = BASE_DIR / "dialogue_event" / "tests" / "axe" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what issue 15 asks of every page.
AXE_WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_findings(page):
    """What axe-core finds serious or critical on a Playwright page, one readable line per rule.

    Each line: rule id, impact, how many elements, the first three of their CSS selectors, axe's help text.
    """
    # The site's Content-Security-Policy forbids inline script, but script evaluated
    # through the devtools protocol (page.evaluate) is not subject to it: the page and
    # its headers stay exactly as a visitor gets them, which a bypass_csp context would not.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_WCAG_AA_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}x): "
        + ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:3])
        + f" - {violation['help']}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def phone(browser):
    """A page the size of a cheap Android phone's screen (360 x 740 CSS pixels)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="en-US"
    )
    yield context.new_page()
    context.close()


class _Inbox:
    """What a real SMTP server on loopback received, as parsed email messages."""

    def __init__(self):
        self.messages = []
        # Answers to give instead of accepting the next messages, e.g. "421 Try again later".
        self.refusals = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        if self.refusals:
            return self.refusals.pop(0)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port; Django's SMTP backend sends to it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield inbox
    controller.stop()
    # The connection this test's deliveries kept open leads to a server that is gone.
    from messaging.services import _smtp

    _smtp.close()


class SmsGateway:
    """A real HTTP server on loopback that speaks the send API of "SMS Gateway for Android" (local mode).

    `received`: what it accepted, as {"id", "phone", "text"}; `refused_numbers`:
    numbers it answers 400 for, as the app does for a number it cannot send to;
    `down`: it answers 503 to everything, as a gateway whose phone is offline.
    It also takes a plainer JSON object at /generic, for the generic HTTP backend.
    """

    USERNAME, PASSWORD = "sms", "gateway-password"

    def __init__(self):
        self.received = []
        self.refused_numbers = set()
        self.down = False
        self._lock = threading.Lock()
        self._server = None

    def start(self):
        gateway = self
        expected_auth = "Basic " + base64.b64encode(f"{self.USERNAME}:{self.PASSWORD}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if gateway.down:
                    return self._answer(503, {"message": "device is offline"})
                path = self.path.split("?")[0]
                if path == "/message" and self.headers.get("Authorization") == expected_auth:
                    phones = request.get("phoneNumbers") or []
                    text = (request.get("textMessage") or {}).get("text")
                elif path == "/generic" and self.headers.get("Authorization") == f"Bearer {gateway.PASSWORD}":
                    # A plainer gateway, for messaging.sms.http: {"msisdn": ..., "body": ...}.
                    phones, text = [request.get("msisdn")], request.get("body")
                else:
                    return self._answer(401, {"message": "unauthorized"})
                if not phones or not all(phones) or not text:
                    return self._answer(400, {"message": "phoneNumbers and textMessage.text are required"})
                if set(phones) & gateway.refused_numbers:
                    return self._answer(400, {"message": f"invalid phone number: {phones[0]}"})
                with gateway._lock:
                    message_id = f"gw{len(gateway.received) + 1}"
                    gateway.received.append({"id": message_id, "phone": phones[0], "text": text})
                recipients = [{"phoneNumber": phone, "state": "Pending"} for phone in phones]
                return self._answer(202, {"id": message_id, "state": "Pending", "recipients": recipients})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return f"{self.base_url}/message"

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def sent_to(self, phone):
        return [message for message in self.received if message["phone"] == phone]


SMS_SIGNING_KEY = "test-signing-key"


def signed_report(event, payload, *, key=SMS_SIGNING_KEY, timestamp=None, report_id=None):
    """The body and headers of a webhook as the gateway app sends it: X-Signature is the hex HMAC-SHA256 of
    the raw body followed by X-Timestamp (https://docs.sms-gate.app/features/webhooks/)."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    body = json.dumps(
        {
            "deviceId": "ffffffffceb0b1db0000018e937c815b",
            "event": event,
            "id": report_id or uuid.uuid4().hex[:21],
            "payload": payload,
            "webhookId": "test-webhook",
        }
    )
    signature = hmac.new(key.encode(), (body + timestamp).encode(), hashlib.sha256).hexdigest()
    return body, {"HTTP_X_SIGNATURE": signature, "HTTP_X_TIMESTAMP": timestamp}


@pytest.fixture
def sms_gateway(settings):
    """A real local "SMS Gateway for Android" (SmsGateway); the Android backend sends to it, and reports
    signed with SMS_SIGNING_KEY are accepted (signed_report)."""
    gateway = SmsGateway()
    settings.SMS_BACKEND = "messaging.sms.android.SmsBackend"
    settings.SMS_ANDROID_URL = gateway.start()
    settings.SMS_ANDROID_USERNAME = SmsGateway.USERNAME
    settings.SMS_ANDROID_PASSWORD = SmsGateway.PASSWORD
    settings.SMS_WEBHOOK_SIGNING_KEY = SMS_SIGNING_KEY
    yield gateway
    gateway.stop()
