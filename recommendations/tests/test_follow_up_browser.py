"""The Osh demo's follow-up, end to end: three statuses with evidence, the public tracker on a phone, the reminder."""

import datetime
import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation

from agenda.models import Event
from dialogue_event.demo import OSH_DIALOGUE_SLUG
from recommendations import services, tasks
from recommendations.models import Addressee, FollowUpStatus, Recommendation, RecommendationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def osh():
    # A transactional test cannot count on the seeded lists surviving earlier ones: written again as the migrations do.
    import_module("participants.migrations.0002_regions_and_districts").seed_places(apps, None)
    import_module("recommendations.migrations.0002_default_frameworks_addressees_and_target_groups").seed(apps, None)
    import_module("recommendations.migrations.0006_follow_up").seed(apps, None)
    call_command("load_demo", stdout=io.StringIO())
    return Event.objects.get(slug=OSH_DIALOGUE_SLUG)


def test_an_osh_recommendation_moved_through_three_statuses_reads_on_a_phone_in_three_languages(
    osh, live_server, browser, phone, log_in_browser, smtp_inbox, django_user_model
):
    organiser = django_user_model.objects.get(username="organiser")
    services.publish_final(osh, by=organiser)
    recommendation = Recommendation.objects.for_event(osh).filter(status=RecommendationStatus.ACCEPTED).first()
    body = Addressee.objects.first()
    today = timezone.localdate()
    steps = [
        ("submitted", today - datetime.timedelta(days=270), {"note": "Handed to the interagency working group."}),
        ("in_nap_draft", today - datetime.timedelta(days=240), {"evidence_url": "https://example.org/nap-draft.pdf"}),
        ("adopted", today - datetime.timedelta(days=200), {"body": body, "evidence_url": "https://example.org/nap.pdf"}),
    ]
    for code, date, fields in steps:
        services.record_follow_up(
            recommendation, by=organiser, status=FollowUpStatus.objects.get(code=code), date=date, **fields
        )
    adopted = FollowUpStatus.objects.get(code="adopted")

    for language in ("ky", "ru", "en"):
        phone.goto(f"{live_server.url}/{language}/events/{osh.slug}/follow-up/")
        card = phone.locator(".card", has_text=recommendation.text_in(language).split("\n")[0][:40])
        assert card.count() == 1, language
        assert getattr(adopted, f"name_{language}") in card.inner_text()
        with translation.override(language):
            body_name = str(Addressee.objects.get(pk=body.pk).name)
        assert body_name in card.inner_text()
        card.locator("summary").click()
        assert card.locator("details li").count() == 3
        assert card.get_by_role("link").first.is_visible()
        # Nothing wider than the phone: no sideways scrolling.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, language

    desk = log_in_browser(browser, organiser, viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(f"{live_server.url}/admin/recommendations/recommendationfollowup/?update=overdue")
    rows = desk.locator("#result_list tbody tr")
    assert rows.count() == 1 and str(recommendation)[:40] in rows.first.inner_text()

    tasks.send_follow_up_reminders.apply()
    tasks.send_follow_up_reminders.apply()
    assert len(smtp_inbox.messages) == 1
    assert smtp_inbox.messages[0]["To"] == "organiser@example.org"
