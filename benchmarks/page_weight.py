"""The first load of every public page: the page and every file it loads, compressed, against 60 KB (issue 15).

    .venv/bin/python benchmarks/page_weight.py

Loads the demo (the Osh day and the next dialogue, `load_demo`) into the database dialogue_event_bench
(BENCH_DATABASE_URL) and opens each page a participant or a visitor reaches, in Kyrgyz, as a first visit (no
cookies; the personal pages after her personal link), in this process (django.test.Client, DEBUG off, the static
files collected with their manifest as in production). A page's first load is its HTML and every stylesheet,
script, icon and image it names, each compressed with gzip -6 as a server would send it. It prints each page's
files and total, and PASS/FAIL against 60 KB (counted in thousands: the stricter reading). The demo stays in that
database (its recommendations hold on to its sessions, as they should); loading it again changes nothing.
See benchmarks/README.md.
"""

import argparse
import gzip
import re
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import mailbench  # noqa: E402
from benchmarks.registration import take_lock  # noqa: E402

TARGET_BYTES = 60_000
GZIP_LEVEL = 6  # nginx's and most servers' usual level
LANGUAGE = "ky"


def gzipped(content):
    return len(gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0))


def named_files(html):
    """The addresses of the stylesheets, icons, scripts and images an HTML page loads."""
    return (
        re.findall(r'<link[^>]*\bhref="([^"]+)"', html)
        + re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
        + re.findall(r'<img[^>]*\bsrc="([^"]+)"', html)
    )


def static_files(addresses, seen=None):
    """[(name, raw bytes, gzip bytes)] of the collected static files among `addresses`, each once."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.templatetags.static import static

    # The manifest names each file by its contents' hash; the finders know the original.
    original = {static(name): name for name in staticfiles_storage.hashed_files}
    seen = set() if seen is None else seen
    rows = []
    for address in addresses:
        path = urllib.parse.urlsplit(address).path
        if path in seen or not path.startswith("/static/"):
            continue
        seen.add(path)
        name = original.get(path)
        if name is None:
            raise RuntimeError(f"{address} is not one of the collected static files")
        content = Path(finders.find(name)).read_bytes()
        rows.append((name, len(content), gzipped(content)))
    return rows


def first_load(client, address):
    """[(what, raw, gzip)] of a page and its files, following redirects as a browser does."""
    response = client.get(address, follow=True)
    if response.status_code not in (200, 404):
        raise RuntimeError(f"{address} answered {response.status_code}")
    html = response.content
    return [(f"HTML ({response.status_code})", len(html), gzipped(html))] + static_files(named_files(html.decode()))


def pages():
    """(name, address, whether it needs her personal link first) of every page a participant or visitor opens."""
    from django.urls import reverse
    from django.utils import translation

    from agenda.models import Event
    from dialogue_event.demo import OSH_DIALOGUE
    from dialogue_event.demo_next import NEXT_DIALOGUE_SLUG
    from participants.models import Status

    upcoming = Event.objects.get(slug=NEXT_DIALOGUE_SLUG)
    past = Event.objects.get(slug=OSH_DIALOGUE["slug"])
    invitee = upcoming.participants.filter(status=Status.INVITED).order_by("pk").first()
    session = upcoming.sessions.filter(is_break=False).order_by("starts_at").first()
    with translation.override(LANGUAGE):
        return [
            ("events", reverse("agenda:event_list"), None),
            ("event", upcoming.get_absolute_url(), None),
            ("registration form", reverse("participants:register", kwargs={"slug": upcoming.slug}), None),
            ("agenda", reverse("agenda:timetable", kwargs={"slug": upcoming.slug}), None),
            ("session", session.get_absolute_url(), None),
            ("personal page (invited)", reverse("participants:my_registration", kwargs={"slug": upcoming.slug}), invitee),
            ("past event", past.get_absolute_url(), None),
            ("follow-up", reverse("recommendations:follow_up"), None),
            ("facilitators' login", reverse("agenda:facilitator_login"), None),
            ("door staff's login", reverse("participants:door_login", kwargs={"slug": past.slug}), None),
            ("page not found", f"/{LANGUAGE}/events/no-such-dialogue/", None),
        ]


def run():
    from django.test import Client

    from dialogue_event.demo import load_demo
    from dialogue_event.demo_next import load_next_dialogue

    load_demo()
    load_next_dialogue()
    print()
    print(f"First load of each public page in {LANGUAGE}, each file gzip -{GZIP_LEVEL}, in KB (thousands of bytes)")
    verdicts = []
    for name, address, who in pages():
        client = Client()
        if who is not None:
            client.get(who.get_personal_url())  # her link signs her in to her own pages
        rows = first_load(client, address)
        total = sum(packed for _what, _raw, packed in rows)
        print(f"\n{name}: {address}")
        for what, raw, packed in rows:
            print(f"  {what:<44} {raw / 1000:>8.1f} {packed / 1000:>8.1f}")
        print(f"  {'total':<44} {sum(raw for _w, raw, _p in rows) / 1000:>8.1f} {total / 1000:>8.1f}")
        verdicts.append((name, total))
    print()
    for name, total in verdicts:
        verdict = "PASS" if total <= TARGET_BYTES else "FAIL"
        print(f"{name:<30} {total / 1000:>6.1f} KB (target {TARGET_BYTES / 1000:g} KB): {verdict}")
    return 0


def main():
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    mailbench.check_database_name()
    _lock = take_lock()
    return mailbench.run_with_pages(run, what="the demo")

if __name__ == "__main__":
    sys.exit(main())
