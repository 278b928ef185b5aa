"""Screenshots of the pages each role sees, for the README (docs/screenshots/).

Run it beside a server that serves the demo (`make run`, or `manage.py runserver` after `manage.py load_demo`),
on the same database:

    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

It logs the demo organiser and facilitator in by writing their sessions into the database (no passwords
needed) and opens an invitee's personal link as she would. By default it takes the few pages the README shows;
`--all` takes every page at 360 px and 1,366 px wide in Kyrgyz and Russian, to look over before a release.
"""

import argparse
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_event.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from agenda.models import Event  # noqa: E402
from dialogue_event.demo_next import NEXT_DIALOGUE_SLUG  # noqa: E402
from participants.models import Status  # noqa: E402

HEIGHTS = {360: 780, 1366: 768}
LANGUAGES = ("ky", "ru")
# (page, language, width): a participant's pages on a phone in Kyrgyz, the organisers' and a facilitator's on a
# laptop in Russian, as each mostly meets them.
README_SHOTS = [
    ("event", "ky", 360),
    ("registration", "ky", 360),
    ("personal", "ky", 360),
    ("facilitator", "ky", 360),
    ("home", "ru", 1366),
    ("event", "ru", 1366),
    ("admin", "ru", 1366),
]


def session_cookie(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def pages(event, invitee):
    """(name, cookie owner or None, path for a language)."""
    return [
        ("home", None, lambda language: f"/{language}/"),
        ("event", None, lambda language: f"/{language}/events/{event.slug}/"),
        ("registration", None, lambda language: f"/{language}/events/{event.slug}/register/"),
        ("personal", None, lambda language: f"/{language}/p/{invitee.access_token}/"),
        ("facilitator", "facilitator", lambda language: f"/{language}/facilitators/"),
        ("admin", "organiser", lambda language: "/admin/"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(BASE_DIR / "docs" / "screenshots"))
    parser.add_argument("--all", action="store_true", help="every page, both widths, both languages")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    event = Event.objects.get(slug=NEXT_DIALOGUE_SLUG)
    invitee = event.participants.filter(status=Status.INVITED).order_by("pk").first()
    cookies = {username: session_cookie(username) for username in ("organiser", "facilitator")}
    host = args.base.split("//", 1)[1].split("/", 1)[0].split(":")[0]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        paths = {name: (owner, path) for name, owner, path in pages(event, invitee)}
        shots = (
            [(name, language, width) for name in paths for language in LANGUAGES for width in HEIGHTS]
            if args.all
            else README_SHOTS
        )
        for name, language, width in shots:
            owner, path = paths[name]
            context = browser.new_context(viewport={"width": width, "height": HEIGHTS[width]})
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
                + ([{"name": settings.SESSION_COOKIE_NAME, "value": cookies[owner], "domain": host, "path": "/"}] if owner else [])
            )
            page = context.new_page()
            page.goto(args.base + path(language))
            target = out / f"{name}-{language}-{width}.png"
            page.screenshot(path=target)
            print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
