"""Headers and proxies: the Content-Security-Policy the pages work under, and whose address a rate limit counts."""


import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.utils import timezone

from agenda.tests.factories import EventFactory, FacilitatorFactory, TrackFactory, UserFactory
from dialogue_event.roles import ORGANISERS, ensure_role_groups
from participants.tests.factories import ParticipantFactory
from recommendations.tests.factories import StartedSessionFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["ratelimit"].clear()


def open_event(**kwargs):
    return EventFactory(registration_open=True, **kwargs)


@pytest.mark.django_db
def test_pages_carry_a_policy_that_runs_only_the_sites_own_scripts(client):
    event = open_event()
    for path in ["/en/", f"/en/events/{event.slug}/", f"/en/events/{event.slug}/register/", "/admin/login/"]:
        policy = client.get(path).headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", path
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def post_registrations(client, event, forwarded_for):
    # An empty form: refused (400) after the rate limit is counted, or 429 once it is reached.
    return [
        client.post(f"/en/events/{event.slug}/register/", {}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=address).status_code
        for address in forwarded_for
    ]


@pytest.mark.django_db
def test_without_a_proxy_setting_a_forged_forwarded_for_header_does_not_escape_the_rate_limit(client, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    event = open_event()

    statuses = post_registrations(client, event, ["198.51.100.1", "198.51.100.2", "198.51.100.3"])

    assert statuses == [400, 400, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_counts_on_her_own(client, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    # As the README tells an operator behind nginx to set, for django-axes and the rate limits alike.
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    event = open_event()

    assert post_registrations(client, event, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [400, 400, 400]
    assert post_registrations(client, event, ["198.51.100.1", "198.51.100.1"]) == [400, 429]
    # A client forging the header gets it appended to by the proxy: "forged, real". Rotating forged
    # addresses does not make her a new person each time.
    forged = [f"203.0.113.{n}, 198.51.100.9" for n in range(3)]
    assert post_registrations(client, event, forged) == [400, 400, 429]


@pytest.mark.django_db
def test_an_address_the_header_cannot_give_counts_by_the_connection_never_an_error(client, settings):
    settings.REGISTRATION_RATE_LIMIT = "1/m"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_COUNT = 1
    event = open_event()
    register = f"/en/events/{event.slug}/register/"

    assert [client.post(register, {}, REMOTE_ADDR="10.0.0.5").status_code for _ in range(2)] == [400, 429]


# In a real browser: every page a person uses works under the policy, and the browser reports no violation.


def watched(page):
    """The page, and the list the Content-Security-Policy violations it meets are written to."""
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.on("pageerror", lambda error: violations.append(str(error)))
    return page, violations


def assert_policy_sent(response):
    assert "script-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_and_the_registration_form_work_under_the_policy(live_server, browser):
    event = open_event(title="Women, peace and security in Osh")
    TrackFactory(event=event, title="Border communities")
    page, violations = watched(browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US").new_page())

    assert_policy_sent(page.goto(f"{live_server.url}/en/events/{event.slug}/"))
    page.get_by_role("heading", name="Women, peace and security in Osh").wait_for()
    page.goto(f"{live_server.url}/en/events/{event.slug}/agenda/")
    page.evaluate("window.print = () => { window.printed = true; }")  # no print dialog in a test
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") is True
    page.goto(f"{live_server.url}/en/events/{event.slug}/register/")
    page.locator("#id_full_name").fill("Айгүл Өмүрбекова")
    page.locator("form:has(#id_full_name) [type=submit]").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Русский").click()
    page.wait_for_url(f"{live_server.url}/ru/**")

    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_facilitators_report_keeps_its_draft_under_the_policy(live_server, browser, log_in_browser):
    facilitator = FacilitatorFactory()
    session = StartedSessionFactory(facilitators=[facilitator])
    page, violations = watched(log_in_browser(browser, facilitator, viewport={"width": 1280, "height": 900}, locale="en-US").new_page())

    assert_policy_sent(page.goto(f"{live_server.url}/en/facilitate/sessions/{session.pk}/report/"))
    page.locator("#id_key_points").fill("Women from Leilek asked for a seat at the border talks.")
    page.locator("[data-autosave-status]").get_by_text("Draft kept").first.wait_for()

    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_lists_and_forms_work_under_the_policy(live_server, browser, log_in_browser):
    ensure_role_groups()
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    event = open_event()
    ParticipantFactory(event=event, full_name="Nurgul Asanova")
    page, violations = watched(log_in_browser(browser, organiser, viewport={"width": 1280, "height": 900}, locale="en-US").new_page())

    assert_policy_sent(page.goto(f"{live_server.url}/admin/participants/participant/"))
    page.get_by_role("link", name="Nurgul Asanova").wait_for()
    # The change list's own script: ticking a row counts it as selected.
    page.locator("input.action-select").first.check()
    page.get_by_text("1 of 1 selected").wait_for()
    # The export form's "Select all" is django-import-export's one inline handler, allowed by its hash.
    page.goto(f"{live_server.url}/admin/participants/participant/export/")
    page.locator("input.select-toggle").first.uncheck()
    page.goto(f"{live_server.url}/admin/recommendations/recommendation/")
    # The admin's calendar shortcuts are script too.
    page.goto(f"{live_server.url}/admin/recommendations/outcomepublication/add/")
    page.get_by_role("link", name="Today").first.click()
    assert page.locator("#id_closes_at_0").input_value() == timezone.localdate().strftime("%Y-%m-%d")

    assert violations == []
