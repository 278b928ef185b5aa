"""Follow-up of accepted recommendations: statuses over time, half-yearly reminders, the public tracker."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agenda.tests.factories import UserFactory
from participants.models import Visibility
from participants.services import erase_personal_data
from participants.tests.factories import ParticipantFactory
from recommendations import selectors, services, tasks
from recommendations.models import (
    FOLLOW_UP_INTERVAL,
    Addressee,
    FollowUpStatus,
    FollowUpUpdate,
    RecommendationStatus,
)
from recommendations.tests.factories import OrganiserFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def status(code):
    return FollowUpStatus.objects.get(code=code)


@pytest.fixture
def body():
    return Addressee.objects.create(name_en="Ministry of Emergency Situations", name_ru="МЧС", name_ky="ӨКМ")


def record(recommendation, by, code, **fields):
    return services.record_follow_up(recommendation, by=by, status=status(code), **fields)


def test_the_six_default_statuses_are_named_in_three_languages():
    statuses = FollowUpStatus.objects.all()

    assert [s.code for s in statuses] == [
        "submitted", "in_nap_draft", "adopted", "being_implemented", "implemented", "not_taken_up"
    ]  # fmt: skip
    assert all(s.name_en and s.name_ru and s.name_ky for s in statuses)
    assert status("not_taken_up").needs_reason and status("implemented").is_final


def test_a_status_that_needs_a_body_evidence_or_a_reason_is_refused_without_it(published, organiser):
    with pytest.raises(ValidationError) as refused:
        record(published, organiser, "adopted", evidence_url="https://example.org/nap.pdf")
    assert refused.value.message_dict == {"body": ["“Adopted in the NAP” needs the responsible body."]}

    with pytest.raises(ValidationError) as refused:
        record(published, organiser, "in_nap_draft")
    assert refused.value.message_dict == {"evidence_url": ["“In the NAP draft” needs evidence: a link or a document."]}

    with pytest.raises(ValidationError) as refused:
        record(published, organiser, "not_taken_up", note="  ")
    assert refused.value.message_dict == {"note": ["“Not taken up” needs a reason: say why in the note."]}
    assert not FollowUpUpdate.objects.exists()


def test_an_update_is_kept_with_who_recorded_it_and_the_next_one_is_due_six_months_on(published, organiser, body):
    update = record(
        published, organiser, "adopted", body=body, evidence_url="https://example.org/nap.pdf", date=datetime.date(2026, 1, 15)
    )

    assert update.recorded_by == organiser and update.recorded_at
    followed = selectors.followed_recommendations().get(pk=published.pk)
    assert selectors.next_update_due(followed) == datetime.date(2026, 7, 15)


def test_only_organisers_record_and_only_published_accepted_recommendations_are_followed(published, organiser):
    with pytest.raises(PermissionDenied):
        record(published, UserFactory(is_staff=True), "submitted")
    unpublished = RecommendationFactory(status=RecommendationStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="whose final outcome is published"):
        record(unpublished, organiser, "submitted")


def test_a_note_naming_a_person_not_to_be_named_in_public_is_refused(published, organiser):
    ParticipantFactory(event=published.event, full_name="Гүлнара Асанова", at_risk=True)

    with pytest.raises(ValidationError) as refused:
        record(published, organiser, "submitted", note="Гүлнара Асанова presented it to the working group.")

    assert "may not be named in public" in refused.value.message_dict["note"][0]


def test_a_name_in_a_note_goes_when_her_data_is_erased(published, organiser):
    named = ParticipantFactory(event=published.event, full_name="Айнура Осмонова", visibility=Visibility.LISTED)
    record(published, organiser, "submitted", note="Айнура Осмонова presented it to the working group.")

    erase_personal_data(named, by=organiser)

    assert FollowUpUpdate.objects.get().note == "[…] presented it to the working group."


def test_admin_records_an_update_and_refuses_one_without_evidence_with_its_message(published, organiser_client, body):
    url = reverse("admin:recommendations_recommendationfollowup_change", args=[published.pk])
    form = {
        "follow_up_updates-TOTAL_FORMS": "1",
        "follow_up_updates-INITIAL_FORMS": "0",
        "follow_up_updates-MIN_NUM_FORMS": "0",
        "follow_up_updates-MAX_NUM_FORMS": "1000",
        "follow_up_updates-0-date": "2026-03-01",
        "follow_up_updates-0-status": str(status("in_nap_draft").pk),
        "follow_up_updates-0-body": "",
        "follow_up_updates-0-evidence_url": "",
        "follow_up_updates-0-note": "",
    }

    refused = organiser_client.post(url, form)
    assert refused.status_code == 200
    assert "“In the NAP draft” needs evidence: a link or a document." in refused.content.decode()
    assert not FollowUpUpdate.objects.exists()

    form["follow_up_updates-0-evidence_url"] = "https://example.org/nap-draft.pdf"
    assert organiser_client.post(url, form).status_code == 302
    update = FollowUpUpdate.objects.get()
    assert (update.status.code, update.recorded_by.username) == ("in_nap_draft", "organiser")


def test_admin_lists_what_is_overdue(published, organiser, organiser_client, body):
    long_ago = timezone.localdate() - FOLLOW_UP_INTERVAL - datetime.timedelta(days=1)
    record(published, organiser, "being_implemented", body=body, date=long_ago)
    recent = RecommendationFactory(session=published.session, status=RecommendationStatus.ACCEPTED)
    record(recent, organiser, "submitted")  # accepted after publishing: followed from its own update
    done = RecommendationFactory(session=published.session, status=RecommendationStatus.ACCEPTED)
    record(done, organiser, "not_taken_up", note="The ministry found no budget.", date=long_ago)

    page = organiser_client.get(reverse("admin:recommendations_recommendationfollowup_changelist") + "?update=overdue")

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [published]


def test_the_organisers_are_reminded_once_of_each_update_due(published, organiser, smtp_inbox):
    organiser.email = "organiser@example.org"
    organiser.save()
    OrganiserFactory(email="")  # no address: nobody to write to
    long_ago = timezone.localdate() - FOLLOW_UP_INTERVAL
    record(published, organiser, "submitted", date=long_ago)

    tasks.send_follow_up_reminders.apply()
    tasks.send_follow_up_reminders.apply()

    assert len(smtp_inbox.messages) == 1
    message = smtp_inbox.messages[0]
    assert message["To"] == "organiser@example.org"
    text = message.get_content()
    assert "Include women in the border commissions." in text
    assert f"/admin/recommendations/recommendationfollowup/{published.pk}/change/" in text

    # The next update recorded is due on another date: reminded again when that one comes.
    record(published, organiser, "submitted", date=long_ago + datetime.timedelta(days=10))
    assert services.send_follow_up_reminders(today=timezone.localdate() + datetime.timedelta(days=10)) == 1
    assert len(smtp_inbox.messages) == 2


def test_public_tracker_shows_the_published_wording_and_nothing_unpublished(published, organiser, body, client):
    set_aside = RecommendationFactory(
        session=published.session, status=RecommendationStatus.NOT_RETAINED, not_retained_reason="Duplicate", text="Set aside one"
    )
    record(published, organiser, "adopted", body=body, evidence_url="https://example.org/nap.pdf", note="Item 2.3 of the plan.")
    # Changed after publishing, towards a new version: the tracker keeps the published words.
    services.start_new_version(published.event, by=organiser)
    published.translation_en = "Rewritten, not published."
    published.save()

    page = client.get(reverse("recommendations:event_follow_up", kwargs={"slug": published.event.slug}))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Include women in the border commissions." in text and "Rewritten" not in text
    assert set_aside.text not in text
    assert "Adopted in the NAP" in text and "Ministry of Emergency Situations" in text and "Item 2.3 of the plan." in text
    assert "organiser" not in text.lower().replace("organisers report", "")

    with translation.override("ky"):
        ky = client.get(reverse("recommendations:event_follow_up", kwargs={"slug": published.event.slug})).content.decode()
    assert "Чек ара комиссияларына аялдарды киргизүү." in ky and "УИПке кабыл алынды" in ky and "ӨКМ" in ky


def test_public_tracker_is_not_found_until_the_final_outcome_is_published(client):
    recommendation = RecommendationFactory(status=RecommendationStatus.ACCEPTED)

    page = client.get(reverse("recommendations:event_follow_up", kwargs={"slug": recommendation.event.slug}))

    assert page.status_code == 404
    assert client.get(reverse("recommendations:follow_up")).status_code == 200


def test_public_tracker_filters_by_status_and_sums_up_the_rows_shown(published, organiser, client, body):
    other = RecommendationFactory(session=published.session, status=RecommendationStatus.ACCEPTED, text="Train border guards.")
    services.start_new_version(published.event, by=organiser)
    services.publish_final(published.event, by=organiser)
    record(published, organiser, "implemented", body=body, evidence_url="https://example.org/report.pdf")
    url = reverse("recommendations:follow_up")

    everything = client.get(url)
    only_implemented = client.get(url, {"status": status("implemented").pk, "event": published.event.slug})
    not_yet = client.get(url, {"status": 0})

    assert everything.context["tracker"].total == 2 and everything.context["tracker"].progress == 50
    assert [row.text for row in only_implemented.context["tracker"].rows] == ["Include women in the border commissions."]
    assert [row.text for row in not_yet.context["tracker"].rows] == [other.text]
    assert [(item.status, item.count) for item in everything.context["tracker"].summary] == [
        ("No update yet", 1), ("Implemented", 1)
    ]  # fmt: skip
    assert client.get(url, {"status": "nonsense"}).context["tracker"].total == 2


def test_the_tracker_exports_as_csv_and_xlsx(published, organiser, client, body):
    record(published, organiser, "adopted", body=body, evidence_url="https://example.org/nap.pdf")
    url = reverse("recommendations:event_follow_up", kwargs={"slug": published.event.slug})

    csv = client.get(url, {"export": "csv"})
    xlsx = client.get(url, {"export": "xlsx"})

    assert csv["Content-Disposition"].endswith('follow-up-en.csv"')
    csv_text = csv.content.decode("utf-8-sig")
    assert "Include women in the border commissions." in csv_text and "Adopted in the NAP" in csv_text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]][:4] == ["Event", "No.", "Framework area", "Recommendation"]
    assert sheet.cell(2, 6).value == "Adopted in the NAP"


def test_evidence_documents_are_downloaded_only_for_published_recommendations(published, organiser, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    update = record(published, organiser, "in_nap_draft", evidence_file=SimpleUploadedFile("draft.pdf", b"%PDF-1.4 draft"))
    url = reverse("recommendations:follow_up_evidence", kwargs={"slug": published.event.slug, "pk": update.pk})

    download = client.get(url)

    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 draft"
    assert download["Content-Disposition"].startswith("attachment")
    other_event = RecommendationFactory(status=RecommendationStatus.ACCEPTED).event
    assert client.get(reverse("recommendations:follow_up_evidence", kwargs={"slug": other_event.slug, "pk": update.pk})).status_code == 404


def test_the_personal_page_summary_links_to_the_event_tracker(published, organiser, body):
    record(published, organiser, "implemented", body=body, evidence_url="https://example.org/report.pdf")

    html = render_to_string("recommendations/includes/follow_up_summary.html", {"event": published.event})

    assert "1 recommendation, 100% of the way." in html
    assert reverse("recommendations:event_follow_up", kwargs={"slug": published.event.slug}) in html
    unpublished = RecommendationFactory(status=RecommendationStatus.ACCEPTED).event
    assert render_to_string("recommendations/includes/follow_up_summary.html", {"event": unpublished}).strip() == ""
