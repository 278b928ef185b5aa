"""WCAG 2.2 AA as axe-core measures it: no serious or critical finding on the pages people read (issue 15).

Each page is opened in a real browser at a phone's 360 px, in Kyrgyz (the event page also in Russian).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agenda.tests.factories import EventFactory, FacilitatorFactory, SessionFactory, TrackFactory
from conftest import axe_findings
from participants.models import Status
from participants.tests.factories import CategoryFactory, ParticipantFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def dialogue():
    """An open event with three tracks, a plenary, a registered participant and a facilitator."""
    now = timezone.now()
    event = EventFactory(
        slug="batken-dialogue",
        open_registration=True,
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=10),
    )
    CategoryFactory(event=event, open_to_public=True)
    tracks = [TrackFactory(event=event, title=title) for title in ("Water", "Schools", "Local councils")]
    facilitator = FacilitatorFactory()
    opening = SessionFactory(event=event, title="Opening plenary")
    for hour, track in enumerate(tracks, start=1):
        starts_at = opening.starts_at + datetime.timedelta(hours=hour)
        SessionFactory(
            event=event, track=track, title=f"{track.title}: what we heard", starts_at=starts_at,
            facilitators=[facilitator] if track == tracks[0] else [],
        )  # fmt: skip
    SessionFactory(event=event, title="Lunch", is_break=True, starts_at=opening.starts_at + datetime.timedelta(hours=4))
    participant = ParticipantFactory(event=event, status=Status.REGISTERED, track=tracks[0], preferred_language="ky")
    return {"event": event, "participant": participant, "facilitator": facilitator}


def _fail_registration(page):
    """Send the form with only a name, as a browser without HTML validation would, to see the server's errors."""
    page.evaluate("() => document.querySelectorAll('[required]').forEach(field => field.removeAttribute('required'))")
    page.locator("[name=full_name]").fill("Айгүл")
    page.locator("main form [type=submit]").click()
    expect(page.locator(".is-invalid").first).to_be_visible()


PAGES = {
    "home": ("anonymous", "/ky/", None),
    "event": ("anonymous", "/ky/events/batken-dialogue/", None),
    "event in Russian": ("anonymous", "/ru/events/batken-dialogue/", None),
    "registration form": ("anonymous", "/ky/events/batken-dialogue/register/", None),
    "registration form with errors": ("anonymous", "/ky/events/batken-dialogue/register/", _fail_registration),
    "agenda": ("anonymous", "/ky/events/batken-dialogue/agenda/", None),
    "personal page": ("participant", None, None),
    "facilitator's sessions": ("facilitator", "/ky/facilitators/", None),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_finding(name, dialogue, live_server, browser, log_in_browser):
    who, path, then = PAGES[name]
    phone = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
    if who == "facilitator":
        context = log_in_browser(browser, dialogue["facilitator"], **phone)
    else:
        context = browser.new_context(**phone)
    if who == "participant":
        path = f"/ky/p/{dialogue['participant'].access_token}/"
    page = context.new_page()
    response = page.goto(live_server.url + path)
    assert response.ok, f"{path} answered {response.status}"
    if then:
        then(page)

    findings, url = axe_findings(page), page.url

    context.close()
    assert not findings, f"{name} ({url}):\n" + "\n".join(findings)
