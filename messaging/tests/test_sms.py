"""SMS: the short text of each message, sent once through a real local gateway, by the person's channel."""

import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from agenda.tests.factories import EventFactory
from messaging import services
from messaging.models import Announcement, Channel, Message, MessageKind, MessageStatus
from messaging.sms import count_parts
from participants import services as participant_services
from participants.models import Channel as Preferred
from participants.models import ConsentKind, ConsentMethod, Participant, Status
from participants.tests.factories import ParticipantFactory
from participants.tests.test_views import form_data, register_url

pytestmark = pytest.mark.django_db

# As long as the Osh dialogue's own title, in each language.
LONG_TITLES = {
    "title_en": "Women's leadership in conflict response, humanitarian aid and conflict resolution in the border areas",
    "title_ru": "Лидерство женщин в реагировании на конфликты, гуманитарной помощи и разрешении конфликтов "
    "в приграничье",
    "title_ky": "Чек ара аймактарындагы кагылышууларга жооп берүүдө, гуманитардык жардамда жана чыр-чатактарды "
    "чечүүдө аялдардын лидерлиги",
}


def sms_person(event=None, **details):
    details = {"email": "", "phone": "+996555123456", "preferred_channel": Preferred.SMS, **details}
    return ParticipantFactory(event=event or EventFactory(), **details)


def test_parts_are_counted_as_the_phone_network_bills_them():
    assert [count_parts("a" * n) for n in (1, 160, 161, 306, 307)] == [1, 1, 2, 2, 3]
    # "€" and "{" are written as two of the 160 characters.
    assert count_parts("€" * 80) == 1 and count_parts("{" * 81) == 2
    # One Cyrillic letter makes the whole text UCS-2: 70 in one SMS, 67 a part.
    assert [count_parts("ө" * n) for n in (70, 71, 134, 135)] == [1, 2, 2, 3]
    assert count_parts("a" * 69 + "ң") == 1 and count_parts("a" * 70 + "ң") == 2


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_short_text_fits_two_parts_with_the_personal_link_and_no_title(kind, language, settings):
    settings.SITE_URL = "https://dialogue.example.kg"
    event = EventFactory(**LONG_TITLES)
    participant = sms_person(event, preferred_language=language)
    later = timezone.now() + timezone.timedelta(days=14)
    extra = {
        "days_before": 7,
        "announcement": SimpleNamespace(
            subject="Автобус из Баткена", text="Автобус отправится от акимиата в 6:00. Возьмите паспорт. " * 5
        ),
        "publication": SimpleNamespace(comments_close_at=later),
        "evaluation": SimpleNamespace(closes_at=later),
        "version": SimpleNamespace(number=1),
        "site_url": settings.SITE_URL,
    }

    if kind == MessageKind.ADDRESS_CHANGE:
        # Sent to her new number, with the link that confirms it in place of her personal link.
        participant_services.request_address_change(participant, "phone", "+996700999888")
        text = Message.objects.get(kind=kind).body_sms
        assert re.search(rf"https://dialogue\.example\.kg/{language}/a/[\w-]{{22}}/", text), text
    else:
        *_, text = services.render(participant, kind, extra)
        assert f"https://dialogue.example.kg/{language}/p/{participant.access_token}/" in text

    assert count_parts(text) <= 2, text
    assert event.title_en not in text and event.title_ru not in text and event.title_ky not in text


def test_each_message_goes_by_the_persons_own_channel():
    event = EventFactory()
    sms_only = sms_person(event)
    sms_and_email = ParticipantFactory(event=event, preferred_channel=Preferred.SMS)
    whatsapp_with_email = ParticipantFactory(event=event, preferred_channel=Preferred.WHATSAPP)
    whatsapp_only = ParticipantFactory(event=event, email="", preferred_channel=Preferred.WHATSAPP)
    sms_without_phone = ParticipantFactory(event=event, phone="", preferred_channel=Preferred.SMS)

    messages = services.queue_messages(
        [sms_only, sms_and_email, whatsapp_with_email, whatsapp_only, sms_without_phone], MessageKind.INVITATION
    )

    assert [(message.channel, message.to_address) for message in messages] == [
        (Channel.SMS, sms_only.phone),
        (Channel.SMS, sms_and_email.phone),
        (Channel.EMAIL, whatsapp_with_email.email),
        (Channel.BY_HAND, whatsapp_only.phone),
        (Channel.EMAIL, sms_without_phone.email),
    ]
    assert messages[0].sms_parts == count_parts(messages[0].body_sms) >= 1


def test_sms_is_sent_once_through_the_gateway_with_its_id_kept(sms_gateway):
    participant = sms_person(preferred_language="ru")
    message = services.queue_message(participant, MessageKind.INVITATION)

    services.deliver(message.pk)
    services.deliver(message.pk)

    message.refresh_from_db()
    assert sms_gateway.received == [{"id": "gw1", "phone": "+996555123456", "text": message.body_sms}]
    assert (message.status, message.gateway_id, message.attempts) == (MessageStatus.SENT, "gw1", 1)


def test_number_the_gateway_refuses_fails_at_once_with_its_answer(sms_gateway):
    sms_gateway.refused_numbers.add("+996555123456")
    message = services.queue_message(sms_person(), MessageKind.INVITATION)

    services.deliver(message.pk)

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "400" in message.last_error and "invalid phone number: +996555123456" in message.last_error
    assert sms_gateway.received == []


def test_gateway_down_keeps_the_batch_queued_and_sends_each_once_when_it_is_back(sms_gateway):
    event = EventFactory()
    people = [sms_person(event, phone=f"+99655500000{n}") for n in range(3)]
    messages = services.queue_messages(people, MessageKind.INVITATION)
    ids = [message.pk for message in messages]
    sms_gateway.down = True

    later = services.deliver_each(ids)

    assert later == ids
    first = Message.objects.get(pk=ids[0])
    assert (first.status, first.attempts) == (MessageStatus.QUEUED, 1) and "503" in first.last_error
    # The rest of the batch waited with the first rather than each meeting the same answer.
    assert Message.objects.get(pk=ids[1]).attempts == 0

    sms_gateway.down = False
    assert services.deliver_each(later) == []
    services.deliver_each(ids)

    assert sorted(sent["phone"] for sent in sms_gateway.received) == [person.phone for person in people]
    assert set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {MessageStatus.SENT}


def test_failed_sms_sent_again_goes_by_the_channel_of_now(sms_gateway, organiser_client):
    participant = sms_person()
    sms_gateway.refused_numbers.add(participant.phone)
    message = services.queue_message(participant, MessageKind.INVITATION)
    services.deliver(message.pk)
    Participant.objects.filter(pk=participant.pk).update(phone="+996700111222")
    sms_gateway.refused_numbers.clear()
    message.participant.refresh_from_db()

    assert services.send_again(message)
    services.deliver(message.pk)

    assert sms_gateway.sent_to("+996700111222") and Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_after_stop_her_messages_wait_for_an_organiser():
    participant = sms_person()
    participant_services.record_consents(
        participant, {ConsentKind.SMS: False}, language="ky", method=ConsentMethod.SMS_REPLY
    )

    message = services.queue_message(participant, MessageKind.INVITATION)

    assert (message.channel, message.to_address) == (Channel.BY_HAND, participant.phone)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_phone_only_woman_registers_in_kyrgyz_and_her_sms_link_opens_her_page(
    sms_gateway, celery_worker_process, wait_for, client, settings
):
    event = EventFactory(registration_open=True, **LONG_TITLES)
    data = form_data(event, email="", phone="0555 123 456", preferred_channel="sms", preferred_language="ky")

    client.post(register_url(event, "ky"), data, follow=True)

    assert wait_for(lambda: len(sms_gateway.received) >= 1)
    time.sleep(1)
    [sms] = sms_gateway.received
    assert sms["phone"] == "+996555123456"
    assert count_parts(sms["text"]) <= 2
    # Needs the compiled Kyrgyz translations.
    assert "катталдыңыз" in sms["text"]
    link = re.search(r"https?://\S+", sms["text"]).group()
    assert "/ky/p/" in link
    page = Client().get(link.removeprefix(settings.SITE_URL), follow=True)
    assert page.status_code == 200 and "Айгүл Өмүрбекова" in page.content.decode()
    message = Message.objects.get()
    assert (message.channel, message.status) == (Channel.SMS, MessageStatus.SENT)
    assert message.sms_parts == count_parts(sms["text"])


def test_organiser_opens_whatsapp_with_the_short_text_in_one_tap_from_the_by_hand_list(organiser_client):
    participant = ParticipantFactory(
        full_name="Канышай Орозбаева", email="", phone="+996555101203", preferred_channel=Preferred.WHATSAPP
    )
    message = services.queue_message(participant, MessageKind.INVITATION)

    page = organiser_client.get("/admin/messaging/message/?channel__exact=by_hand&status__exact=queued")

    html = page.content.decode()
    link = re.search(r'<a href="(https://wa\.me/[^"]+)" target="_blank"[^>]*aria-label="([^"]+)"', html)
    assert link and "Канышай Орозбаева" in link.group(2)
    url = link.group(1).replace("&amp;", "&")
    assert url.startswith("https://wa.me/996555101203?text=")
    assert parse_qs(urlsplit(url).query)["text"] == [message.body_sms]
    assert f"/p/{participant.access_token}/" in message.body_sms
    # The short text is there to copy for an SMS from her own phone, and marking it delivered stays.
    assert "data-copy-button" in html and "mark_delivered_by_hand" in html


def test_event_page_counts_per_channel_what_was_sent_delivered_and_failed_and_the_sms_parts(
    sms_gateway, organiser_client, client
):
    event = EventFactory()
    delivered, failed = sms_person(event, phone="+996555000001"), sms_person(event, phone="+996555000002")
    sms_gateway.refused_numbers.add(failed.phone)
    emailed = ParticipantFactory(event=event)
    messages = services.queue_messages([delivered, failed, emailed], MessageKind.INVITATION)
    services.deliver(messages[0].pk)
    services.deliver(messages[1].pk)
    Message.objects.filter(pk=messages[0].pk).update(status=MessageStatus.DELIVERED)

    page = organiser_client.get(f"/admin/agenda/event/{event.pk}/change/").content.decode()

    assert "SMS</a>: 1 sent, 1 delivered, 1 failed" in page
    assert "Email</a>: 0 sent, 0 delivered, 0 failed" in page
    assert f"{messages[0].sms_parts} SMS part" in page


def test_organisers_message_to_a_group_goes_by_each_persons_channel(sms_gateway, organiser):
    event = EventFactory()
    by_sms = sms_person(event, status=Status.REGISTERED)
    by_email = ParticipantFactory(event=event, status=Status.REGISTERED)
    announcement = Announcement.objects.create(
        event=event, subject="Автобус", text="Автобус из Баткена отправится в 6:00.", created_by=organiser
    )

    services.send_announcement(announcement)

    channels = dict(Message.objects.values_list("participant", "channel"))
    assert channels == {by_sms.pk: Channel.SMS, by_email.pk: Channel.EMAIL}
    sms_row = Message.objects.get(participant=by_sms)
    assert sms_row.body_sms.startswith("Автобус: Автобус из Баткена") and sms_row.sms_parts <= 2


def test_organiser_is_told_before_sending_what_of_her_message_an_sms_carries(organiser_client):
    page = organiser_client.get("/admin/messaging/announcement/add/").content.decode()

    assert "the start of the text, 64 characters in all" in page


def test_generic_http_gateway_takes_the_url_authorisation_and_field_names_from_settings(sms_gateway, settings):
    settings.SMS_BACKEND = "messaging.sms.http.SmsBackend"
    settings.SMS_HTTP_URL = f"{sms_gateway.base_url}/generic"
    settings.SMS_HTTP_AUTHORIZATION = f"Bearer {sms_gateway.PASSWORD}"
    settings.SMS_HTTP_TO_FIELD, settings.SMS_HTTP_TEXT_FIELD = "msisdn", "body"
    message = services.queue_message(sms_person(), MessageKind.INVITATION)

    services.deliver(message.pk)

    message.refresh_from_db()
    assert sms_gateway.received == [{"id": "gw1", "phone": "+996555123456", "text": message.body_sms}]
    assert (message.status, message.gateway_id) == (MessageStatus.SENT, "gw1")


def test_in_development_the_console_backend_prints_each_sms(settings, capsys):
    settings.SMS_BACKEND = "messaging.sms.console.SmsBackend"
    message = services.queue_message(sms_person(), MessageKind.INVITATION)

    services.deliver(message.pk)

    assert f"to +996555123456:\n{message.body_sms}" in capsys.readouterr().out
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_wrong_gateway_password_keeps_the_sms_queued_for_when_the_organisers_correct_it(sms_gateway, settings):
    settings.SMS_ANDROID_PASSWORD = "mistyped"
    message = services.queue_message(sms_person(), MessageKind.INVITATION)

    with pytest.raises(services.ServerUnavailable):
        services.deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1) and "401" in message.last_error
    assert sms_gateway.received == []
