"""Published is final: the final outcome shows what was published, until organisers publish a new version."""

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document

from agenda.tests.factories import FacilitatorFactory
from participants.models import Consent, ConsentKind, ConsentMethod, Visibility
from participants.models import Status as ParticipantStatus
from participants.services import erase_personal_data
from participants.tests.factories import CategoryFactory, ParticipantFactory
from recommendations import services
from recommendations.models import OutcomeStatus, OutcomeVersion, Recommendation, SessionReport
from recommendations.models import RecommendationStatus as Status
from recommendations.services import OutcomeFrozen
from recommendations.tasks import generate_outcome_document

from .factories import OrganiserFactory, RecommendationFactory, StartedSessionFactory, participant_who_may_be_quoted

pytestmark = pytest.mark.django_db

KEY_POINTS = "Women organised the evacuation lists by hand."
ACCEPTED = "Give women a seat on the border commission."


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def facilitator():
    return FacilitatorFactory()


@pytest.fixture
def session(facilitator):
    return StartedSessionFactory(facilitators=[facilitator])


@pytest.fixture
def event(session, facilitator):
    services.save_report(session, by=facilitator, key_points=KEY_POINTS, women_count=9)
    RecommendationFactory(session=session, status=Status.ACCEPTED, text=ACCEPTED)
    return session.event


@pytest.fixture
def published(event, organiser):
    return services.publish_final(event, by=organiser)


def public_page(client, event):
    """The outcome on the event's public page (the article, without the page's own tokens)."""
    response = client.get(url("recommendations:public_outcome", slug=event.slug))
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<article") : page.index("</article>")]


def test_facilitator_cannot_change_the_report_after_final_publication_and_the_public_page_stays(
    client, event, session, facilitator, published
):
    before = public_page(client, event)
    client.force_login(facilitator)

    page = client.get(url("recommendations:session_report", session_pk=session.pk)).content.decode()
    assert "The final outcome of this event is published" in page
    response = client.post(
        url("recommendations:session_report", session_pk=session.pk), {"key_points": "Rewritten afterwards.", "women_count": "3"}
    )

    assert response.status_code == 200
    assert "To change it, an organiser starts a new version." in response.content.decode()
    assert SessionReport.objects.get().key_points == KEY_POINTS
    client.logout()
    after = public_page(client, event)
    assert KEY_POINTS in after and "Rewritten afterwards." not in after
    assert after == before


def changes(session, facilitator, organiser):
    """Every change a facilitator or an organiser can make to an event's results, by name."""
    submitted = RecommendationFactory(session=session, status=Status.SUBMITTED)
    draft = RecommendationFactory(session=session, status=Status.DRAFT)
    speaker = participant_who_may_be_quoted(session.event)
    quote = services.add_quote(session, by=facilitator, participant=speaker, text="Hear us.", language="en")
    return {
        "save report": lambda: services.save_report(session, by=facilitator, key_points="Changed."),
        "add quote": lambda: services.add_quote(session, by=facilitator, participant=speaker, text="Again.", language="en"),
        "remove quote": lambda: services.delete_quote(quote, by=facilitator),
        "add recommendation": lambda: services.add_recommendation(session, by=facilitator, text="New.", language="en"),
        "edit draft": lambda: services.edit_recommendation(draft, by=facilitator, text="Edited."),
        "delete draft": lambda: services.delete_draft(draft, by=facilitator),
        "submit": lambda: services.submit(draft, by=facilitator),
        "accept": lambda: services.accept(submitted, by=organiser),
        "not retain": lambda: services.not_retain(submitted, by=organiser, reason="Out of scope."),
        "merge": lambda: services.merge(submitted, into=Recommendation.objects.get(text=ACCEPTED), by=organiser),
    }


@pytest.mark.parametrize(
    "change",
    ["save report", "add quote", "remove quote", "add recommendation", "edit draft", "delete draft", "submit", "accept",
     "not retain", "merge"],
)  # fmt: skip
def test_every_change_to_the_results_is_refused_once_final_is_published(event, session, facilitator, organiser, change):
    attempt = changes(session, facilitator, organiser)[change]
    services.publish_final(event, by=organiser)

    with pytest.raises(OutcomeFrozen, match="an organiser starts a new version"):
        attempt()


def test_organisers_see_results_read_only_in_the_admin_once_final_is_published(client, event, session, organiser, published):
    submitted = RecommendationFactory(session=session, status=Status.SUBMITTED, text="Late idea.")
    client.force_login(organiser)

    change_url = reverse("admin:recommendations_recommendation_change", args=[submitted.pk])
    assert 'name="text"' not in client.get(change_url).content.decode()
    assert client.post(change_url, {"text": "Rewritten in the admin."}).status_code == 403
    report_url = reverse("admin:recommendations_sessionreport_change", args=[SessionReport.objects.get().pk])
    assert client.post(report_url, {"key_points": "Rewritten in the admin."}).status_code == 403
    response = client.post(
        reverse("admin:recommendations_recommendation_changelist"),
        {"action": "accept_selected", "_selected_action": [submitted.pk]},
        follow=True,
    )
    assert "an organiser starts a new version" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.text, submitted.status) == ("Late idea.", Status.SUBMITTED)
    assert SessionReport.objects.get().key_points == KEY_POINTS


def test_the_public_page_shows_what_was_published_even_when_the_data_change_underneath(client, event, published):
    # A change that went round the services (a database fix, a script) does not reach the published outcome.
    Recommendation.objects.filter(text=ACCEPTED).update(text="Changed in the database.")
    SessionReport.objects.update(key_points="Changed in the database too.")

    page = public_page(client, event)

    assert ACCEPTED in page and KEY_POINTS in page
    assert "Changed in the database" not in page
    assert "Version 1, published on" in page


def test_a_new_version_lets_results_change_and_shows_only_once_published(client, event, session, facilitator, organiser, published):
    client.force_login(organiser)
    publication = services.outcome_publication(event)
    client.post(
        reverse("admin:recommendations_outcomepublication_changelist"),
        {"action": "start_new_version_selected", "_selected_action": [publication.pk]},
    )
    version_one = OutcomeVersion.objects.get()
    assert version_one.next_version_started_by == organiser and version_one.next_version_started_at is not None
    client.logout()

    services.save_report(session, by=facilitator, key_points="Key points of the second version.")
    RecommendationFactory(session=session, status=Status.ACCEPTED, text="Open a crisis centre in Batken.")
    page = public_page(client, event)
    assert KEY_POINTS in page and "Version 1, published on" in page
    assert "second version" not in page and "crisis centre" not in page

    services.publish_final(event, by=organiser)
    page = public_page(client, event)
    assert "Key points of the second version." in page and "Open a crisis centre in Batken." in page
    assert "Version 2, published on" in page
    assert list(OutcomeVersion.objects.values_list("number", flat=True)) == [2, 1]
    with pytest.raises(OutcomeFrozen):
        services.save_report(session, by=facilitator, key_points="And again.")


def test_publishing_twice_or_starting_two_new_versions_is_refused(event, organiser, facilitator):
    with pytest.raises(ValidationError, match="No final outcome is published yet"):
        services.start_new_version(event, by=organiser)
    services.publish_final(event, by=organiser)
    with pytest.raises(ValidationError, match="start a new version"):
        services.publish_final(event, by=organiser)
    with pytest.raises(PermissionDenied):
        services.start_new_version(event, by=facilitator)
    services.start_new_version(event, by=organiser)
    with pytest.raises(ValidationError, match="already being prepared"):
        services.start_new_version(event, by=organiser)


# Do no harm: a published version keeps no quote and no name; each is checked every time it is shown.


@pytest.fixture
def quoted(event, session, facilitator):
    category = CategoryFactory(event=event, name="Border activists")
    listed = participant_who_may_be_quoted(event, full_name="Cholpon Listed", visibility=Visibility.LISTED, category=category)
    unnamed = participant_who_may_be_quoted(event, full_name="Aizada Unnamed", category=category)
    for speaker, text in [(listed, "We want to be heard."), (unnamed, "Our village was not asked.")]:
        services.add_quote(session, by=facilitator, participant=speaker, text=text, language="en")
    return {"listed": listed, "unnamed": unnamed}


def test_published_version_keeps_neither_quotes_nor_names(event, organiser, quoted):
    services.publish_final(event, by=organiser)

    stored = json.dumps(OutcomeVersion.objects.get().content, ensure_ascii=False)

    for words in ["We want to be heard.", "Our village was not asked.", "Cholpon Listed", "Aizada Unnamed"]:
        assert words not in stored


def test_quotes_in_public_follow_each_speakers_choice(client, event, organiser, quoted):
    services.publish_final(event, by=organiser)

    page = public_page(client, event)

    assert "We want to be heard." in page and "Cholpon Listed, Border activists" in page
    # Known to the organisers only: quoted, as "a participant", without the group that could point to her.
    assert "Our village was not asked." in page and "A participant (not named)" in page
    assert "Aizada Unnamed" not in page and "A participant (not named), Border activists" not in page


@pytest.mark.parametrize("change", ["withdraws consent", "is marked at risk", "asks to be only counted", "is erased"])
def test_a_quote_leaves_the_published_outcome_when_its_speaker_withdraws_or_is_protected(client, event, organiser, quoted, change):
    services.publish_final(event, by=organiser)
    speaker = quoted["listed"]
    if change == "withdraws consent":
        Consent.objects.create(
            participant=speaker, kind=ConsentKind.MEDIA, given=False, text_version="test", language="en", method=ConsentMethod.WEB_FORM
        )
    elif change == "is marked at risk":
        speaker.at_risk = True
        speaker.save()
    elif change == "asks to be only counted":
        speaker.visibility = Visibility.COUNTED_ONLY
        speaker.save()
    else:
        erase_personal_data(speaker, by=organiser)

    page = public_page(client, event)

    assert "We want to be heard." not in page and "Cholpon Listed" not in page
    assert "Our village was not asked." in page  # the other speaker's choice stands
    assert ACCEPTED in page


def test_erasing_a_person_named_in_the_key_points_removes_her_name_from_published_versions(event, session, facilitator, organiser):
    named = ParticipantFactory(event=event, full_name="Gulnara Namedinreport", status=ParticipantStatus.ATTENDED)
    services.save_report(session, by=facilitator, key_points="Gulnara Namedinreport spoke of the evacuation.")
    services.publish_final(event, by=organiser)
    assert services.published_versions_naming(event, named.full_name).exists()

    services.erase_name_from_published_versions(event, named.full_name, "[…]")

    assert not services.published_versions_naming(event, named.full_name).exists()
    assert "[…] spoke of the evacuation." in json.dumps(OutcomeVersion.objects.get().content, ensure_ascii=False)


# Documents and the participants' own page show the published version too.


def docx_text(document):
    with document.file.open("rb") as handle:
        docx = Document(io.BytesIO(handle.read()))
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    return " ".join([paragraph.text for paragraph in docx.paragraphs] + cells)


def test_documents_show_the_published_version_and_say_which(event, organiser, published, django_capture_on_commit_callbacks):
    Recommendation.objects.filter(text=ACCEPTED).update(text="Changed in the database.")
    with django_capture_on_commit_callbacks():
        document = services.request_outcome_document(event, language="en", format="docx", by=organiser)
    generate_outcome_document(document.pk)

    document.refresh_from_db()
    assert (document.status, document.version) == (OutcomeStatus.READY, 1)
    assert document.file.name.endswith(f"{event.slug}-outcome-v1-en.docx")
    text = docx_text(document)
    assert "Version 1, published on" in text and ACCEPTED in text and "Changed in the database." not in text

    # While a new version is prepared, organisers draw the outcome as it stands, marked as no version.
    services.start_new_version(event, by=organiser)
    with django_capture_on_commit_callbacks():
        document = services.request_outcome_document(event, language="en", format="docx", by=organiser)
    generate_outcome_document(document.pk)
    document.refresh_from_db()
    assert document.version is None and "Changed in the database." in docx_text(document)


def test_participants_outcome_page_shows_the_published_version_and_is_never_cached(client, event, organiser):
    participant = ParticipantFactory(event=event, status=ParticipantStatus.REGISTERED)
    services.publish_draft(event, closes_at=timezone.now() + datetime.timedelta(days=7), by=organiser)
    services.publish_final(event, by=organiser)
    Recommendation.objects.filter(text=ACCEPTED).update(text="Changed in the database.")
    client.get(url("participants:personal_link", token=participant.access_token))

    response = client.get(url("recommendations:participant_outcome", slug=event.slug))

    assert response.status_code == 200
    assert ACCEPTED in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
