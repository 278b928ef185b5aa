import pytest
from django.contrib.auth.models import Group

from agenda.tests.factories import FacilitatorFactory, UserFactory
from dialogue_event.roles import ORGANISERS, ensure_role_groups
from recommendations.models import Addressee, Recommendation
from recommendations.models import RecommendationStatus as Status

from .factories import StartedSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
PHONE_WIDTH = 360


def test_facilitator_enters_two_recommendations_on_a_phone_and_an_organiser_accepts_one(live_server, browser, phone, tmp_path):
    facilitator = FacilitatorFactory(username="aigul")
    session = StartedSessionFactory(title="Women and the border", facilitators=[facilitator])
    # Created here: a transactional test cannot count on the seeded lists surviving earlier ones.
    local_councils, _created = Addressee.objects.get_or_create(name_en="Local self-government and local councils")
    ensure_role_groups()
    organiser = UserFactory(username="organiser", is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS))

    phone.goto(f"{live_server.url}/en/facilitators/login/")
    phone.locator("#id_username").fill("aigul")
    phone.locator("#id_password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url("**/en/facilitators/")

    phone.goto(f"{live_server.url}/en/facilitate/sessions/{session.pk}/report/")
    phone.get_by_role("link", name="Add a recommendation").click()
    phone.locator("#id_text").fill("Include women from Leilek in the border demarcation commission.")
    # The draft is kept on the server while it is typed.
    phone.locator("[data-autosave-status]").get_by_text("Draft kept").wait_for()
    phone.locator("#id_measure").fill("Amend the commission's statute.")
    phone.get_by_label(str(local_councils)).check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    phone.screenshot(path=tmp_path / "recommendation-phone.png", full_page=True)
    phone.get_by_role("button", name="Save and add another").click()
    phone.get_by_text("The recommendation is saved as a draft.").wait_for()

    phone.locator("#id_text").fill("Open a crisis centre for women in Batken.")
    phone.get_by_role("button", name="Save and submit to the organisers").click()
    phone.get_by_text("The recommendation is submitted to the organisers.").wait_for()

    first = phone.locator("article", has_text="Include women from Leilek")
    first.get_by_role("button", name="Submit to the organisers").click()
    phone.get_by_text("The recommendation is submitted to the organisers.").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    phone.screenshot(path=tmp_path / "report-phone.png", full_page=True)
    assert set(Recommendation.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert Recommendation.objects.get(text__startswith="Include women").addressees.get() == local_councils

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    desk.goto(f"{live_server.url}/admin/login/")
    desk.locator("#id_username").fill("organiser")
    desk.locator("#id_password").fill(PASSWORD)
    desk.locator("input[type=submit]").click()
    desk.goto(f"{live_server.url}/admin/recommendations/recommendation/consolidate/?event={session.event_id}")
    crisis_centre = Recommendation.objects.get(text__startswith="Open a crisis centre")
    desk.locator(f"input[type=checkbox][value='{crisis_centre.pk}']").check()
    desk.locator("select[name=action]").select_option("accept_selected")
    desk.get_by_role("button", name="Go").click()
    desk.get_by_text("1 recommendation accepted.").wait_for()
    desk.context.close()

    crisis_centre.refresh_from_db()
    assert crisis_centre.status == Status.ACCEPTED
    assert crisis_centre.reviewed_by == organiser
    assert Recommendation.objects.get(text__startswith="Include women").status == Status.SUBMITTED
