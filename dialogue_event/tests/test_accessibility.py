"""WCAG 2.2 AA as axe-core measures it: no serious or critical finding on the pages people read (issue 15).

Each page is opened in a real browser at a phone's 360 px, in Kyrgyz (the event page also in Russian).
"""

import datetime

import pytest
from playwright.sync_api import expect

from agenda.tests.factories import EventFactory, FacilitatorFactory, SessionFactory, TrackFactory
from conftest import axe_findings
from participants.models import Status
from participants.tests.factories import CategoryFactory, ParticipantFactory
from recommendations.tests.factories import RecommendationFactory, StartedSessionFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def dialogue():
    """An open event with three tracks, a plenary, a registered participant and a facilitator."""
    event = EventFactory(slug="batken-dialogue", registration_open=True)
    CategoryFactory(event=event, open_to_public=True)
    tracks = [TrackFactory(event=event, title=title) for title in ("Water", "Schools", "Local councils")]
    facilitator = FacilitatorFactory()
    plenary = SessionFactory(event=event, title="Opening plenary")
    for hour, track in enumerate(tracks, start=1):
        starts_at = plenary.starts_at + datetime.timedelta(hours=hour)
        SessionFactory(
            event=event, track=track, title=f"{track.title}: what we heard", starts_at=starts_at,
            facilitators=[facilitator] if track == tracks[0] else [],
        )  # fmt: skip
    SessionFactory(event=event, title="Lunch", is_break=True, starts_at=plenary.starts_at + datetime.timedelta(hours=4))
    participant = ParticipantFactory(event=event, status=Status.REGISTERED, track=tracks[0], preferred_language="ky")
    return {"event": event, "participant": participant, "facilitator": facilitator, "plenary": plenary}


def _fail_registration(page):
    """Send the form with only a name, as a browser without HTML validation would, to see the server's errors."""
    page.evaluate("() => document.querySelectorAll('[required]').forEach(field => field.removeAttribute('required'))")
    page.locator("[name=full_name]").fill("Айгүл")
    page.locator("main form [type=submit]").click()
    expect(page.locator(".is-invalid").first).to_be_visible()


def _cancel_question(page):
    page.locator("a[href$='/me/cancel/']").click()
    page.wait_for_url("**/me/cancel/")


def _fail_facilitator_login(page):
    page.locator("[name=username]").fill("nobody")
    page.locator("[name=password]").fill("a wrong password")
    page.locator("main form [type=submit]").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()


EVENT = "/ky/events/batken-dialogue"
# Who looks, at which address (or a function of the dialogue fixture), what she does there first, and the screen's width.
PAGES = {
    "home": ("anonymous", "/ky/", None, 360),
    "event": ("anonymous", f"{EVENT}/", None, 360),
    "event in Russian": ("anonymous", "/ru/events/batken-dialogue/", None, 360),
    "event on a wide screen": ("anonymous", f"{EVENT}/", None, 1366),
    "registration form": ("anonymous", f"{EVENT}/register/", None, 360),
    "registration form with errors": ("anonymous", f"{EVENT}/register/", _fail_registration, 360),
    "agenda": ("anonymous", f"{EVENT}/agenda/", None, 360),
    # From 992 px the tracks stand side by side and the plenaries span them.
    "agenda on a wide screen": ("anonymous", f"{EVENT}/agenda/", None, 1366),
    "session": ("anonymous", lambda dialogue: f"{EVENT}/sessions/{dialogue['plenary'].pk}/", None, 360),
    "personal page": ("participant", lambda dialogue: f"/ky/p/{dialogue['participant'].access_token}/", None, 360),
    "cancelling, asked first": (
        "participant", lambda dialogue: f"/ky/p/{dialogue['participant'].access_token}/", _cancel_question, 360
    ),
    "facilitators' login with an error": ("anonymous", "/ky/facilitators/login/", _fail_facilitator_login, 360),
    "facilitator's sessions": ("facilitator", "/ky/facilitators/", None, 360),
    "facilitator's sessions on a wide screen": ("facilitator", "/ky/facilitators/", None, 1366),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_finding(name, dialogue, live_server, browser, log_in_browser):
    who, path, then, width = PAGES[name]
    screen = {"viewport": {"width": width, "height": 740 if width < 992 else 768}}
    if width < 992:
        screen.update(is_mobile=True, has_touch=True)
    if who == "facilitator":
        context = log_in_browser(browser, dialogue["facilitator"], **screen)
    else:
        context = browser.new_context(**screen)
    if callable(path):
        path = path(dialogue)
    page = context.new_page()
    response = page.goto(live_server.url + path)
    assert response.ok, f"{path} answered {response.status}"
    if then:
        then(page)

    findings, url = axe_findings(page), page.url

    context.close()
    assert not findings, f"{name} ({url}):\n" + "\n".join(findings)


def test_no_serious_accessibility_finding_on_the_consolidation_page(
    dialogue, organiser, live_server, browser, log_in_browser
):
    """The organisers' page of an event's recommendations, by track, with links in its sentences."""
    event = dialogue["event"]
    RecommendationFactory.create_batch(3, session=StartedSessionFactory(event=event, track=event.tracks.first()))
    context = log_in_browser(browser, organiser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/recommendations/recommendation/consolidate/?event={event.pk}")

    findings = axe_findings(page)

    context.close()
    assert not findings, "\n".join(findings)
