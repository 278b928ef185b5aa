"""Participants' validation: the draft outcome on their personal pages, their answers, and the final outcome in public."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from agenda.tests.factories import UserFactory
from participants.models import Status as ParticipantStatus
from participants.models import Visibility
from participants.tests.factories import ParticipantFactory
from recommendations import services
from recommendations.models import Endorsement, Quote
from recommendations.models import RecommendationStatus as Status

from .factories import OrganiserFactory, RecommendationFactory, SessionReportFactory, participant_who_may_be_quoted

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def participant(event):
    return ParticipantFactory(event=event, status=ParticipantStatus.REGISTERED)


def in_a_week():
    return timezone.now() + datetime.timedelta(days=7)


def open_personal_link(client, participant):
    client.get(url("participants:personal_link", token=participant.access_token))
    return client


@pytest.fixture
def draft(event, organiser):
    return services.publish_draft(event, closes_at=in_a_week(), by=organiser)


def test_outcome_page_without_personal_link_session_is_a_friendly_403(client, event, draft):
    response = client.get(url("recommendations:participant_outcome", slug=event.slug))
    assert response.status_code == 403
    assert "personal link" in response.content.decode()


def test_outcome_page_of_another_event_shows_nothing(client, event, draft):
    stranger = ParticipantFactory(status=ParticipantStatus.REGISTERED)  # registered for another event
    open_personal_link(client, stranger)
    response = client.get(url("recommendations:participant_outcome", slug=event.slug))
    assert response.status_code == 403
    assert "border commission" not in response.content.decode()


def answer(recommendation, endorses, comment=""):
    """What the draft outcome's form sends for one recommendation."""
    return {f"r{recommendation.pk}-endorses": endorses, f"r{recommendation.pk}-comment": comment}


def test_registered_participant_reads_the_draft_and_endorses(client, event, participant, accepted, draft):
    open_personal_link(client, participant)
    page = client.get(url("participants:my_registration", slug=event.slug))
    outcome_url = url("recommendations:participant_outcome", slug=event.slug)
    assert outcome_url in page.content.decode()
    page = client.get(outcome_url)
    assert page.status_code == 200
    assert "Give women a seat on the border commission." in page.content.decode()

    response = client.post(outcome_url, answer(accepted, "yes", "Yes, and in Leilek too."))
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert (endorsement.participant, endorsement.recommendation, endorsement.endorses) == (participant, accepted, True)
    assert endorsement.comment == "Yes, and in Leilek too."
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_endorsement_edit_keeps_one_row(client, event, participant, accepted, draft):
    open_personal_link(client, participant)
    outcome_url = url("recommendations:participant_outcome", slug=event.slug)
    client.post(outcome_url, answer(accepted, "yes"))
    client.post(outcome_url, answer(accepted, "no", "Not without a budget."))
    endorsement = Endorsement.objects.get()
    assert endorsement.endorses is False
    assert endorsement.comment == "Not without a budget."


def test_comment_with_markup_is_refused_with_a_message(client, event, participant, accepted, draft):
    open_personal_link(client, participant)
    response = client.post(url("recommendations:participant_outcome", slug=event.slug), answer(accepted, "yes", "<script>"))
    assert response.status_code == 400
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize("status", [ParticipantStatus.INVITED, ParticipantStatus.DECLINED])
def test_invited_or_declined_participant_cannot_endorse(client, event, accepted, draft, status):
    participant = ParticipantFactory(event=event, status=status)
    open_personal_link(client, participant)
    assert client.get(url("recommendations:participant_outcome", slug=event.slug)).status_code == 403
    response = client.post(url("recommendations:participant_outcome", slug=event.slug), answer(accepted, "yes"))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.endorse(participant, accepted, endorses=True)
    assert not Endorsement.objects.exists()


def test_recommendation_not_accepted_cannot_be_endorsed(event, participant, draft):
    submitted = RecommendationFactory(session=participant.event.sessions.first(), status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.endorse(participant, submitted, endorses=True)


def test_cannot_endorse_before_the_draft_is_published(client, event, participant, accepted):
    with pytest.raises(ValidationError):
        services.endorse(participant, accepted, endorses=True)
    open_personal_link(client, participant)
    assert url("recommendations:participant_outcome", slug=event.slug) not in client.get(
        url("participants:my_registration", slug=event.slug)
    ).content.decode()
    assert client.get(url("recommendations:participant_outcome", slug=event.slug)).status_code == 404
    client.post(url("recommendations:participant_outcome", slug=event.slug), answer(accepted, "yes"))
    assert not Endorsement.objects.exists()


def test_cannot_endorse_after_closing(client, event, participant, accepted, draft):
    services.endorse(participant, accepted, endorses=True)
    draft.comments_close_at = timezone.now() - datetime.timedelta(minutes=1)
    draft.save()
    with pytest.raises(ValidationError):
        services.endorse(participant, accepted, endorses=False)

    open_personal_link(client, participant)
    page = client.get(url("recommendations:participant_outcome", slug=event.slug)).content.decode()
    assert "closed" in page
    assert f'name="r{accepted.pk}-endorses"' not in page  # read-only: no form
    assert "Your answer: you agree." in page
    response = client.post(url("recommendations:participant_outcome", slug=event.slug), answer(accepted, "no"), follow=True)
    assert "closed" in response.content.decode()
    assert Endorsement.objects.get().endorses is True


def test_publishing_needs_an_organiser_and_a_future_closing_date(event, organiser):
    with pytest.raises(PermissionDenied):
        services.publish_draft(event, closes_at=in_a_week(), by=UserFactory())
    with pytest.raises(ValidationError):
        services.publish_draft(event, closes_at=timezone.now() - datetime.timedelta(hours=1), by=organiser)


def test_organisers_see_counts_and_comments(client, event, participant, accepted, draft, organiser):
    other = ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED)
    services.endorse(participant, accepted, endorses=True)
    services.endorse(other, accepted, endorses=False, comment="The commission has no budget.")
    client.force_login(organiser)

    listing = client.get(reverse("admin:recommendations_recommendation_changelist")).content.decode()
    assert "1 / 1" in listing
    consolidation = client.get(reverse("admin:recommendations_recommendation_consolidate") + f"?event={event.pk}")
    assert "✓ 1 / ✗ 1" in consolidation.content.decode()
    change = client.get(reverse("admin:recommendations_recommendation_change", args=[accepted.pk])).content.decode()
    assert "The commission has no budget." in change


def test_organiser_publishes_draft_and_final_in_the_admin(client, event, organiser):
    client.force_login(organiser)
    form = client.get(reverse("admin:recommendations_outcomepublication_add") + f"?event={event.pk}")
    assert form.status_code == 200
    closes = timezone.localtime(in_a_week())
    response = client.post(
        reverse("admin:recommendations_outcomepublication_add"),
        {"event": event.pk, "closes_at_0": closes.strftime("%Y-%m-%d"), "closes_at_1": closes.strftime("%H:%M:%S")},
    )
    assert response.status_code == 302
    publication = services.outcome_publication(event)
    assert publication.is_open()
    client.post(
        reverse("admin:recommendations_outcomepublication_changelist"),
        {"action": "publish_final_selected", "_selected_action": [publication.pk]},
    )
    publication.refresh_from_db()
    assert publication.final_published_at is not None
    assert not publication.is_open()


def test_final_outcome_appears_on_the_public_page_only_after_publish_final(client, event, accepted, draft, organiser):
    event_url, outcome_url = event.get_absolute_url(), url("recommendations:public_outcome", slug=event.slug)
    assert outcome_url not in client.get(event_url).content.decode()
    assert client.get(outcome_url).status_code == 404

    services.publish_final(event, by=organiser)
    assert outcome_url in client.get(event_url).content.decode()
    page = client.get(outcome_url)
    assert page.status_code == 200
    assert "Give women a seat on the border commission." in page.content.decode()


def test_public_outcome_never_names_people_at_risk(client, event, accepted, organiser):
    report = SessionReportFactory(session=accepted.session)
    speaker = participant_who_may_be_quoted(event, full_name="Cholpon Quotable", visibility=Visibility.LISTED)
    at_risk = participant_who_may_be_quoted(event, full_name="Nurgul Atrisk")
    Quote.objects.create(report=report, participant=speaker, text="We want to be heard.", language="en")
    Quote.objects.create(report=report, participant=at_risk, text="Our village is afraid.", language="en")
    at_risk.at_risk = True
    at_risk.save()
    services.publish_final(event, by=organiser)
    page = client.get(url("recommendations:public_outcome", slug=event.slug)).content.decode()
    assert "Cholpon Quotable" in page
    assert "Nurgul Atrisk" not in page and "Our village is afraid." not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_participant_endorses_on_a_phone(live_server, phone):
    accepted = RecommendationFactory(status=Status.ACCEPTED, text="Give women a seat on the border commission.")
    event = accepted.session.event
    participant = ParticipantFactory(event=event, status=ParticipantStatus.REGISTERED)
    services.publish_draft(event, closes_at=in_a_week(), by=OrganiserFactory())

    phone.goto(f"{live_server.url}/en/p/{participant.access_token}/")
    phone.get_by_role("link", name="Read the draft outcome").click()
    phone.get_by_text("Give women a seat on the border commission.").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_label("I do not agree").check()
    phone.get_by_label("Comment (optional)").fill("Only with a budget.")
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_text("your answers are saved").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    endorsement = Endorsement.objects.get()
    assert (endorsement.endorses, endorsement.comment) == (False, "Only with a budget.")


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_draft_outcome_page_opens_in_each_language(client, event, participant, accepted, draft, language):
    accepted.translation_ru = "Дать женщинам место в пограничной комиссии."
    accepted.save()
    open_personal_link(client, participant)
    with translation.override(language):
        page_url = reverse("recommendations:participant_outcome", kwargs={"slug": event.slug})
    response = client.get(page_url)
    assert response.status_code == 200
    expected = "Дать женщинам место" if language == "ru" else "Give women a seat"
    assert expected in response.content.decode()


def test_she_answers_every_recommendation_in_one_sending_and_a_mistake_keeps_what_she_typed(
    client, event, participant, accepted, draft
):
    second = RecommendationFactory(session=accepted.session, status=Status.ACCEPTED, text="Train women as mediators.")
    open_personal_link(client, participant)
    outcome_url = url("recommendations:participant_outcome", slug=event.slug)

    mistaken = client.post(outcome_url, {**answer(accepted, "yes", "Also in Leilek."), **answer(second, "", "Only a comment")})

    assert mistaken.status_code == 400
    assert not Endorsement.objects.exists()
    page = mistaken.content.decode()
    assert "Also in Leilek." in page and "Only a comment" in page
    assert "your comment goes with your answer" in page

    saved = client.post(outcome_url, {**answer(accepted, "yes", "Also in Leilek."), **answer(second, "no")}, follow=True)

    assert {(e.recommendation, e.endorses) for e in Endorsement.objects.all()} == {(accepted, True), (second, False)}
    assert "your answers are saved" in saved.content.decode()
