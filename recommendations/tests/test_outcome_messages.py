"""Telling people about the outcome: the draft to answer, a reminder three days before it closes, the final one."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from agenda.models import Event
from messaging.models import Channel, Message, MessageKind
from messaging.tasks import send_messages
from participants.models import Status as ParticipantStatus
from participants.models import Visibility
from participants.tests.factories import ParticipantFactory
from recommendations import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(event):
    """Those entitled to answer (registered, attended), and those who are not (declined, waiting, invited)."""
    entitled = [
        ParticipantFactory(event=event, status=ParticipantStatus.REGISTERED, full_name="Айгүл Токтосунова"),
        ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED, full_name="Бурулай Сапарова"),
    ]
    others = [
        ParticipantFactory(event=event, status=status)
        for status in (ParticipantStatus.DECLINED, ParticipantStatus.WAITLISTED, ParticipantStatus.INVITED)
    ]
    return entitled, others


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


def sent(kind):
    return Message.objects.filter(kind=kind)


def deliver(kind):
    send_messages(list(sent(kind).filter(channel=Channel.EMAIL).values_list("pk", flat=True)))


def body(message):
    return message.get_body(("plain",)).get_content()


def test_on_the_osh_demo_the_organiser_publishes_the_draft_and_each_entitled_person_gets_it_in_her_language(
    client, smtp_inbox, settings
):
    settings.SITE_URL = "https://dialogue.example.org"
    call_command("load_demo", stdout=io.StringIO())
    osh = Event.objects.get(slug="osh-dialogue-2021")
    client.force_login(get_user_model().objects.get(username="organiser"))
    closes = timezone.localtime(in_days(14)).replace(hour=18, minute=0, second=0, microsecond=0)

    response = client.post(
        reverse("admin:recommendations_outcomepublication_add"),
        {"event": osh.pk, "closes_at_0": closes.strftime("%Y-%m-%d"), "closes_at_1": closes.strftime("%H:%M:%S")},
    )
    deliver(MessageKind.DRAFT_OUTCOME)

    assert response.status_code == 302
    entitled = list(osh.participants.holding_seats())
    with_email = {p.email: p for p in entitled if p.email}
    assert len(entitled) > len(with_email) > 10  # the demo has both
    assert sorted(message["To"] for message in smtp_inbox.messages) == sorted(with_email)
    for message in smtp_inbox.messages:
        person = with_email[message["To"]]
        language = person.site_language
        text = body(message)
        assert getattr(osh, f"title_{language}") in " ".join(message["Subject"].split())
        assert f"https://dialogue.example.org/{language}/p/{person.access_token}/" in text
        with translation.override(language):
            assert date_format(closes, "DATE_FORMAT") in text
    assert {p.site_language for p in with_email.values()} == {"en", "ru", "ky"}
    # People with a phone only: the same message, for the organisers to pass on by hand.
    by_hand = sent(MessageKind.DRAFT_OUTCOME).filter(channel=Channel.BY_HAND)
    assert sorted(by_hand.values_list("participant", flat=True)) == sorted(p.pk for p in entitled if not p.email)
    assert by_hand.filter(language="ky").exists()


def test_only_those_entitled_to_answer_are_told_and_only_once_for_the_same_version(event, organiser, people):
    entitled, _others = people

    services.publish_draft(event, closes_at=in_days(7), by=organiser)
    services.publish_draft(event, closes_at=in_days(10), by=organiser)  # the closing date moved
    publication = services.outcome_publication(event)
    publication.draft_published_at = None  # withdrawn, then shown again
    publication.save()
    services.publish_draft(event, closes_at=in_days(10), by=organiser)

    assert sorted(sent(MessageKind.DRAFT_OUTCOME).values_list("participant", flat=True)) == sorted(
        p.pk for p in entitled
    )


def test_a_new_version_is_news_again(event, organiser, people):
    entitled, _others = people
    services.publish_draft(event, closes_at=in_days(7), by=organiser)
    services.publish_final(event, by=organiser)
    services.start_new_version(event, by=organiser)

    services.tell_draft_published(services.outcome_publication(event))
    services.publish_final(event, by=organiser)

    assert sent(MessageKind.DRAFT_OUTCOME).count() == 2 * len(entitled)
    assert sent(MessageKind.OUTCOME_PUBLISHED).count() == 2 * len(entitled)


def test_the_final_outcome_message_links_the_public_page_and_names_only_her(
    event, organiser, people, smtp_inbox, settings
):
    settings.SITE_URL = "https://dialogue.example.org"
    entitled, _others = people
    protected = ParticipantFactory(
        event=event, status=ParticipantStatus.ATTENDED, full_name="Жылдыз Ңоорузова", preferred_language="ky",
        at_risk=True, visibility=Visibility.COUNTED_ONLY,
    )  # fmt: skip
    services.publish_draft(event, closes_at=in_days(7), by=organiser)

    services.publish_final(event, by=organiser)
    deliver(MessageKind.OUTCOME_PUBLISHED)

    assert len(smtp_inbox.messages) == len(entitled) + 1
    for message in smtp_inbox.messages:
        text = body(message)
        person = next(p for p in [*entitled, protected] if p.email == message["To"])
        assert f"https://dialogue.example.org/{person.site_language}/events/{event.slug}/outcome/" in text
        assert "version 1" in text or person.site_language != "en"
        for other in [*entitled, protected]:
            assert (other.full_name in text) == (other == person)


def test_those_who_have_not_answered_are_reminded_three_days_before_closing_once(event, organiser, people, accepted):
    (answered, silent), _others = people
    services.publish_draft(event, closes_at=in_days(7), by=organiser)
    services.endorse(answered, accepted, endorses=True)

    assert services.send_draft_reminders(now=in_days(3)) == 0  # four days left
    assert services.send_draft_reminders(now=in_days(4.01)) == 1
    assert services.send_draft_reminders(now=in_days(5)) == 0

    reminder = sent(MessageKind.DRAFT_OUTCOME_REMINDER).get()
    assert reminder.participant == silent
    with translation.override("en"):
        assert date_format(timezone.localtime(in_days(7)), "DATE_FORMAT") in reminder.body_text


def test_no_reminder_for_a_draft_shown_less_than_three_days_before_it_closes_or_after_it_closed(
    event, organiser, people
):
    services.publish_draft(event, closes_at=in_days(2), by=organiser)

    assert services.send_draft_reminders() == 0
    assert services.send_draft_reminders(now=in_days(3)) == 0
    assert not sent(MessageKind.DRAFT_OUTCOME_REMINDER).exists()


def test_a_late_answer_is_refused_kindly(client, event, organiser, people, accepted):
    (participant, _attended), _others = people
    services.publish_draft(event, closes_at=in_days(7), by=organiser)
    publication = services.outcome_publication(event)
    publication.comments_close_at = in_days(-1)
    publication.save()
    client.get(participant.get_personal_url())

    with translation.override("en"):
        response = client.post(
            reverse("recommendations:participant_outcome", kwargs={"slug": event.slug}),
            {f"r{accepted.pk}-endorses": "yes"},
            follow=True,
        )

    page = response.content.decode()
    assert "closed on" in page and "Thank you all the same" in page
    with translation.override("en"):
        assert date_format(timezone.localtime(publication.comments_close_at), "DATE_FORMAT") in page
    assert not participant.endorsements.exists()
