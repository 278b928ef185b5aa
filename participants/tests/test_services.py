import datetime

import pytest
from django.utils import timezone

from agenda.tests.factories import EventFactory
from participants import services
from messaging.models import Channel, Message, MessageKind
from messaging.services import queue_message
from participants.models import ConsentKind, Participant, Status, StatusChange
from messaging.tasks import send_messages

from .factories import ParticipantFactory

pytestmark = pytest.mark.django_db

CONSENTS = {ConsentKind.DATA_PROCESSING: True, ConsentKind.PHOTOGRAPHY: False, ConsentKind.MEDIA: False}


def details(event, n=0, **overrides):
    return {
        "full_name": f"Гүлнара Асанова {n}",
        "email": f"gulnara{n}@example.org",
        "phone": f"+996700{n:06d}",
        "category": event.categories.first(),
        **overrides,
    }


def test_new_event_gets_the_default_categories():
    event = EventFactory()
    names = list(event.categories.values_list("name_en", flat=True))
    assert "Women activist" in names and "Inter-agency working group on NAP 1325" in names
    assert not event.categories.get(name_en="Organiser staff").open_to_public


def test_register_takes_a_seat_and_records_history_and_consents(django_capture_on_commit_callbacks):
    event = EventFactory(open_registration=True, capacity=2)

    with django_capture_on_commit_callbacks() as callbacks:
        result = services.register(event, details(event), CONSENTS, language="ru")

    participant = result.participant
    assert participant.status == Status.REGISTERED == result.status
    assert list(participant.status_changes.values_list("to_status", flat=True)) == [Status.REGISTERED]
    assert services.current_consents(participant) == CONSENTS
    consent = participant.consents.get(kind=ConsentKind.DATA_PROCESSING)
    assert (consent.language, consent.method, consent.text_version) == ("ru", "web_form", services.CONSENT_TEXT_VERSION)
    assert Message.objects.get(participant=participant).kind == MessageKind.CONFIRMATION
    assert len(callbacks) == 1


def test_register_on_a_full_event_goes_on_the_waiting_list():
    event = EventFactory(open_registration=True, capacity=1)
    services.register(event, details(event, 1), CONSENTS, language="en")

    result = services.register(event, details(event, 2), CONSENTS, language="en")

    assert result.participant.status == Status.WAITLISTED
    assert result.participant.messages.get().kind == MessageKind.WAITLISTED


def test_register_with_a_known_email_creates_nothing_and_tells_the_owner():
    event = EventFactory(open_registration=True)
    owner = ParticipantFactory(event=event, email="aigul@example.org")

    result = services.register(event, details(event, email="AIGUL@example.org"), CONSENTS, language="en")

    assert result.participant is None
    assert result.status == Status.REGISTERED
    assert Participant.objects.filter(event=event).count() == 1
    assert owner.messages.get().kind == MessageKind.ALREADY_REGISTERED


def test_register_with_a_known_phone_creates_nothing():
    event = EventFactory(open_registration=True)
    ParticipantFactory(event=event, phone="+996555000111", email="")

    result = services.register(event, details(event, email="other@example.org", phone="+996555000111"), CONSENTS, language="en")

    assert result.participant is None
    assert Participant.objects.filter(event=event).count() == 1


def test_register_twice_with_the_same_form_is_one_registration_and_one_email(django_capture_on_commit_callbacks):
    event = EventFactory(open_registration=True)
    key = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"

    with django_capture_on_commit_callbacks() as callbacks:
        first = services.register(event, details(event), CONSENTS, language="en", submission_key=key)
        second = services.register(event, details(event), CONSENTS, language="en", submission_key=key)

    assert second.is_repeat_submission and second.participant == first.participant
    assert Participant.objects.count() == 1
    assert Message.objects.count() == 1
    assert len(callbacks) == 1


def test_cancel_promotes_the_first_person_on_the_waiting_list():
    event = EventFactory(open_registration=True, capacity=1)
    seated = services.register(event, details(event, 1), CONSENTS, language="en").participant
    first_waiting = services.register(event, details(event, 2), CONSENTS, language="en").participant
    second_waiting = services.register(event, details(event, 3), CONSENTS, language="en").participant

    services.cancel(seated)

    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == Status.REGISTERED
    assert second_waiting.status == Status.WAITLISTED
    assert first_waiting.messages.filter(kind=MessageKind.PROMOTED).exists()
    assert seated.messages.filter(kind=MessageKind.CANCELLED).exists()


def test_declining_a_held_seat_promotes_from_the_waiting_list():
    event = EventFactory(open_registration=True, capacity=1)
    seated = services.register(event, details(event, 1), CONSENTS, language="en").participant
    waiting = services.register(event, details(event, 2), CONSENTS, language="en").participant

    services.decline(seated, reason="My child is ill")

    waiting.refresh_from_db()
    seated.refresh_from_db()
    assert waiting.status == Status.REGISTERED
    assert seated.status == Status.DECLINED and seated.decline_reason == "My child is ill"


def test_cancelling_a_waitlisted_person_promotes_nobody():
    event = EventFactory(open_registration=True, capacity=1)
    services.register(event, details(event, 1), CONSENTS, language="en")
    waiting = services.register(event, details(event, 2), CONSENTS, language="en").participant
    third = services.register(event, details(event, 3), CONSENTS, language="en").participant

    services.cancel(waiting)

    third.refresh_from_db()
    assert third.status == Status.WAITLISTED


def test_raising_capacity_and_promoting_fills_the_new_seats_in_order():
    event = EventFactory(open_registration=True, capacity=1)
    services.register(event, details(event, 1), CONSENTS, language="en")
    waiting = [services.register(event, details(event, n), CONSENTS, language="en").participant for n in (2, 3, 4)]
    event.capacity = 3
    event.save()

    promoted = services.promote_from_waitlist(event)

    assert promoted == waiting[:2]


def test_accepting_an_invitation_updates_details_and_takes_a_seat():
    participant = ParticipantFactory(full_name="Old Name", status=Status.INVITED)

    services.accept_invitation(
        participant, {"full_name": "Айгүл Токтосунова кызы", "dietary_needs": "Halal"}, CONSENTS, language="ky"
    )

    participant.refresh_from_db()
    assert participant.status == Status.REGISTERED
    assert participant.full_name == "Айгүл Токтосунова кызы"
    assert participant.status_changes.get().from_status == Status.INVITED


def test_invitation_goes_once_to_invited_people_only():
    participant = ParticipantFactory()
    registered = ParticipantFactory(event=participant.event, status=Status.REGISTERED)

    first = services.send_invitations([participant, registered])
    second = services.send_invitations([participant])
    participant.refresh_from_db()

    assert (first.emailed, first.answered) == ([participant], [registered])
    assert (second.emailed, second.already_invited) == ([], [participant])
    assert participant.invitation_sent_at is not None
    assert participant.messages.get().kind == MessageKind.INVITATION
    assert not registered.messages.exists()


def test_the_invitation_says_by_when_to_answer_in_her_language():
    closes = timezone.make_aware(datetime.datetime(2027, 1, 20, 18, 0))
    event = EventFactory(registration_closes_at=closes)
    aigul = ParticipantFactory(event=event, status=Status.INVITED, preferred_language="ky")
    olga = ParticipantFactory(event=event, status=Status.INVITED, preferred_language="ru")

    services.send_invitations([aigul, olga])

    texts = {m.participant_id: m.body_text for m in Message.objects.filter(kind=MessageKind.INVITATION)}
    assert "2027-жылдын 20-январы, 18:00" in texts[aigul.pk]
    assert "20 января 2027, 18:00" in texts[olga.pk]


def test_send_invitation_to_someone_without_email_waits_to_be_delivered_by_hand(django_capture_on_commit_callbacks):
    participant = ParticipantFactory(email="", phone="+996555101202", preferred_language="ky")

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.send_invitations([participant]).by_hand == [participant]

    message = Message.objects.get()
    assert (message.channel, message.to_address, message.status) == (Channel.BY_HAND, "+996555101202", "queued")
    assert f"/ky/p/{participant.access_token}/" in message.body_text
    assert callbacks == []  # nothing for a worker to send


def test_consent_answers_are_kept_as_history():
    participant = ParticipantFactory()
    services.record_consents(participant, {ConsentKind.PHOTOGRAPHY: True}, language="ru")

    services.record_consents(participant, {ConsentKind.PHOTOGRAPHY: False}, language="ru")
    services.record_consents(participant, {ConsentKind.PHOTOGRAPHY: False}, language="ru")

    assert list(participant.consents.order_by("recorded_at", "pk").values_list("given", flat=True)) == [True, False]
    assert services.current_consents(participant)[ConsentKind.PHOTOGRAPHY] is False


def test_status_history_names_who_changed_it(django_user_model):
    organiser = django_user_model.objects.create_user("organiser")
    participant = ParticipantFactory(status=Status.REGISTERED)

    services.check_in(participant, by=organiser)

    change = StatusChange.objects.get(participant=participant)
    assert (change.from_status, change.to_status, change.changed_by) == (Status.REGISTERED, Status.ATTENDED, organiser)


def test_confirmation_email_arrives_once_in_the_participants_language(smtp_inbox, settings):
    settings.SITE_URL = "https://dialogue.example.org"
    event = EventFactory(open_registration=True, title_en="Dialogue in Osh", title_ru="Диалог в Оше")
    result = services.register(event, details(event, preferred_language="ru"), CONSENTS, language="ru")
    email = result.participant.messages.get()

    send_messages([email.pk])
    send_messages([email.pk])

    assert len(smtp_inbox.messages) == 1
    message = smtp_inbox.messages[0]
    assert message["To"] == result.participant.email
    # Long encoded subjects are folded; a mail client shows them on one line.
    assert " ".join(message["Subject"].split()) == "Вы зарегистрированы: Диалог в Оше"
    body = message.get_body(("plain",)).get_content()
    assert "Диалог в Оше" in body
    assert f"https://dialogue.example.org/ru/p/{result.participant.access_token}/" in body


def test_email_subject_never_carries_a_line_break_from_the_title(smtp_inbox):
    event = EventFactory(title_en="Dialogue\r\nBcc: victim@example.org")
    participant = ParticipantFactory(event=event, preferred_language="en")
    email = queue_message(participant, MessageKind.INVITATION)

    send_messages([email.pk])

    message = smtp_inbox.messages[0]
    assert message["Bcc"] is None
    assert message["Subject"] == "Invitation: Dialogue Bcc: victim@example.org"


def test_status_counts_ignore_the_lists_ordering():
    event = EventFactory()
    ParticipantFactory.create_batch(3, event=event, status=Status.REGISTERED)

    counts = Participant.objects.filter(event=event).order_by("full_name").count_by_status()

    assert counts[Status.REGISTERED] == 3


def test_declining_twice_keeps_the_first_reason():
    participant = ParticipantFactory(status=Status.INVITED)
    services.decline(participant, reason="Harvest time")

    services.decline(participant, reason="")

    participant.refresh_from_db()
    assert participant.decline_reason == "Harvest time"
    assert participant.status_changes.count() == 1
