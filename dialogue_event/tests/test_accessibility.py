"""WCAG 2.2 AA as axe-core measures it: no serious or critical finding on the pages people read (issue 15).

Each page is opened in a real browser at a phone's 360 px, in Kyrgyz (the event page also in Russian): before the
dialogue (the `dialogue` fixture), on its day and after it (`concluded`: the report, the draft and final outcome,
the evaluation, the follow-up, the door).
"""

import datetime

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from agenda.tests.factories import DoorStaffFactory, EventFactory, FacilitatorFactory, SessionFactory, TrackFactory
from conftest import axe_findings
from evaluations.tests.factories import attended, evaluation_after_the_event
from participants.models import Status
from participants.tests.factories import CategoryFactory, ParticipantFactory
from recommendations import services as recommendation_services
from recommendations.models import RecommendationStatus
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


@pytest.fixture
def concluded(organiser):
    """Two dialogues after the day: one whose draft outcome is open for answers, one whose outcome is published.

    The first ended yesterday (its evaluation is open); the second is still under way (its report open, its door
    page in use).
    """
    facilitator = FacilitatorFactory()
    evaluation = evaluation_after_the_event(slug="leilek-dialogue")
    draft_event = evaluation.event
    participant = attended(evaluation, preferred_language="ky")
    track = TrackFactory(event=draft_event, title="Water")
    session = SessionFactory(event=draft_event, track=track, facilitators=[facilitator])
    recommendation_services.save_report(session, by=facilitator, key_points="The wells dry up in June.", women_count=9)
    RecommendationFactory.create_batch(3, session=session, status=RecommendationStatus.ACCEPTED)
    recommendation_services.publish_draft(
        draft_event, closes_at=timezone.now() + datetime.timedelta(days=7), by=organiser
    )

    today = StartedSessionFactory(facilitators=[facilitator], event__slug="osh-dialogue")
    recommendation_services.save_report(today, by=facilitator, key_points="Women ran the evacuation lists.")
    RecommendationFactory(session=today, status=RecommendationStatus.ACCEPTED, text="A seat on the border commission.")
    recommendation_services.publish_final(today.event, by=organiser)
    ParticipantFactory(event=today.event, status=Status.REGISTERED, full_name="Айзада Токтосунова")
    return {
        "participant": participant, "facilitator": facilitator, "door": DoorStaffFactory(), "organiser": organiser,
        "session": session, "today": today,
    }  # fmt: skip


def _open_personal_link_then(path):
    """She opens her personal link (which signs her in to her own pages), then goes to one of them."""

    def then(page):
        response = page.goto(page.url.split("/ky/")[0] + path)
        assert response.ok and page.url.endswith(path), f"{path} answered {response.status} at {page.url}"

    return then


def _to_the_form(page):
    page.locator("a[href*='/recommendations/new/']").first.click()
    page.wait_for_url("**/recommendations/new/")


DRAFT = "/ky/events/leilek-dialogue"
# As PAGES, of the `concluded` fixture; "who" names its user.
PAGES_AFTER = {
    "draft outcome, answered in one form": (
        "participant", lambda c: f"/ky/p/{c['participant'].access_token}/", _open_personal_link_then(f"{DRAFT}/me/outcome/"), 360
    ),
    "evaluation form": (
        "participant", lambda c: f"/ky/p/{c['participant'].access_token}/", _open_personal_link_then(f"{DRAFT}/me/evaluation/"), 360
    ),
    "session report": ("facilitator", lambda c: f"/ky/facilitate/sessions/{c['session'].pk}/report/", None, 360),
    "new recommendation": ("facilitator", lambda c: f"/ky/facilitate/sessions/{c['session'].pk}/report/", _to_the_form, 360),
    "final outcome": ("anonymous", "/ky/events/osh-dialogue/outcome/", None, 360),
    "follow-up of the recommendations": ("anonymous", "/ky/follow-up/", None, 360),
    "follow-up on a wide screen": ("anonymous", "/ky/follow-up/", None, 1366),
    "door staff's login": ("anonymous", "/ky/events/osh-dialogue/door/login/", None, 360),
    "door page": ("door", "/ky/events/osh-dialogue/door/", None, 360),
    "participation report": ("organiser", "/ky/events/osh-dialogue/report/", None, 1366),
    "page not found": ("anonymous", "/ky/events/no-such-dialogue/", None, 360),
}


def _findings(name, pages, people, live_server, browser, log_in_browser):
    """What axe finds serious on one of `pages`, opened as its user would, each line prefixed with the page's name."""
    who, path, then, width = pages[name]
    screen = {"viewport": {"width": width, "height": 740 if width < 992 else 768}}
    if width < 992:
        screen.update(is_mobile=True, has_touch=True)
    if who in ("facilitator", "door", "organiser"):
        context = log_in_browser(browser, people[who], **screen)
    else:
        context = browser.new_context(**screen)
    if callable(path):
        path = path(people)
    page = context.new_page()
    response = page.goto(live_server.url + path)
    assert response.ok or name == "page not found", f"{name}: {path} answered {response.status}"
    # Not sent to a login page instead of the page meant.
    assert page.url == live_server.url + path or "login" not in page.url, f"{name}: {path} led to {page.url}"
    if then:
        then(page)

    findings, url = axe_findings(page), page.url

    context.close()
    return [f"{name} ({url}): {finding}" for finding in findings]


# One test per fixture, each page in turn: building the dialogue costs more than a page's check.
def test_no_serious_accessibility_finding(dialogue, live_server, browser, log_in_browser):
    findings = [line for name in PAGES for line in _findings(name, PAGES, dialogue, live_server, browser, log_in_browser)]
    assert not findings, "\n".join(findings)


def test_no_serious_accessibility_finding_on_the_day_and_after(concluded, live_server, browser, log_in_browser):
    findings = [
        line for name in PAGES_AFTER for line in _findings(name, PAGES_AFTER, concluded, live_server, browser, log_in_browser)
    ]
    assert not findings, "\n".join(findings)


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
