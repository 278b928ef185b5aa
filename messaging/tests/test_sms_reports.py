"""The SMS gateway's reports: delivered or failed, a "STOP" reply; anything not signed or replayed changes nothing."""

import time

import pytest
from django.test import Client

from conftest import signed_report
from messaging import services
from messaging.models import Channel, Message, MessageKind, MessageStatus
from participants.models import Channel as Preferred
from participants.models import Consent, ConsentKind, ConsentMethod
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
REPORTS_URL = "/sms/reports/"


def sent_sms(sms_gateway, phone="+996555123456"):
    participant = ParticipantFactory(email="", phone=phone, preferred_channel=Preferred.SMS, preferred_language="ky")
    message = services.queue_message(participant, MessageKind.INVITATION)
    services.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    return message


def post(body, headers):
    """As the gateway posts: no session, no CSRF token."""
    return Client().post(REPORTS_URL, body, content_type="application/json", **headers)


def test_delivery_report_marks_the_sms_delivered_in_the_message_log(sms_gateway, organiser_client):
    message = sent_sms(sms_gateway)
    report = signed_report("sms:delivered", {"messageId": message.gateway_id, "phoneNumber": message.to_address})

    response = post(*report)

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.delivered_at is not None
    page = organiser_client.get(f"/admin/messaging/message/{message.pk}/change/").content.decode()
    assert "Delivered" in page and message.gateway_id in page


def test_failure_report_fails_the_sms_with_the_gateways_reason(sms_gateway):
    message = sent_sms(sms_gateway)

    post(*signed_report("sms:failed", {"messageId": message.gateway_id, "reason": "RESULT_ERROR_NO_SERVICE"}))

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "RESULT_ERROR_NO_SERVICE" in message.last_error


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda body, headers: (body, {**headers, "HTTP_X_SIGNATURE": "0" * 64}), id="wrong-signature"),
        pytest.param(lambda body, headers: (body.replace("delivered", "failed", 1), headers), id="body-changed"),
        pytest.param(lambda body, headers: (body, {}), id="unsigned"),
        pytest.param(lambda body, headers: (body, {**headers, "HTTP_X_SIGNATURE": "подпись"}), id="not-hex"),
    ],
)
def test_report_not_signed_with_our_key_changes_nothing(sms_gateway, tamper):
    message = sent_sms(sms_gateway)
    body, headers = signed_report("sms:delivered", {"messageId": message.gateway_id})

    response = post(*tamper(body, headers))

    assert response.status_code == 403
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_report_signed_with_another_key_changes_nothing(sms_gateway):
    message = sent_sms(sms_gateway)

    response = post(*signed_report("sms:delivered", {"messageId": message.gateway_id}, key="guessed"))

    assert response.status_code == 403 and Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_report_about_an_unknown_message_answers_404(sms_gateway):
    response = post(*signed_report("sms:delivered", {"messageId": "no-such-id"}))

    assert response.status_code == 404


def test_replayed_report_answers_409_and_changes_nothing(sms_gateway):
    message = sent_sms(sms_gateway)
    delivered = signed_report("sms:delivered", {"messageId": message.gateway_id})
    assert post(*delivered).status_code == 200
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT)

    assert post(*delivered).status_code == 409
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_report_older_than_five_minutes_is_refused_as_a_replay(sms_gateway):
    message = sent_sms(sms_gateway)

    response = post(
        *signed_report("sms:delivered", {"messageId": message.gateway_id}, timestamp=int(time.time()) - 600)
    )

    assert response.status_code == 400 and Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_report_of_unknown_message_can_be_applied_when_the_gateway_tries_again(sms_gateway):
    """The gateway may report before the worker wrote its id: the refused report is not taken as applied."""
    message = sent_sms(sms_gateway)
    gateway_id = message.gateway_id
    Message.objects.filter(pk=message.pk).update(gateway_id="")
    report = signed_report("sms:delivered", {"messageId": gateway_id})
    assert post(*report).status_code == 404

    Message.objects.filter(pk=message.pk).update(gateway_id=gateway_id)

    assert post(*report).status_code == 200
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED


@pytest.mark.parametrize("reply", ["STOP", "стоп", "Токтот", " ТОКТОТУУ! "])
def test_stop_reply_turns_her_sms_off_recorded_as_her_answer(sms_gateway, reply):
    participant = ParticipantFactory(email="", phone="+996555123456", preferred_channel=Preferred.SMS)
    waiting = services.queue_message(participant, MessageKind.INVITATION)

    response = post(*signed_report("sms:received", {"message": reply, "phoneNumber": "0555 123 456"}))

    assert response.status_code == 200
    consent = Consent.objects.get(participant=participant, kind=ConsentKind.SMS)
    assert (consent.given, consent.method) == (False, ConsentMethod.SMS_REPLY)
    assert Message.objects.get(pk=waiting.pk).channel == Channel.BY_HAND
    later = services.queue_message(participant, MessageKind.NEW_LINK)
    assert later.channel == Channel.BY_HAND
    services.deliver(waiting.pk)
    assert sms_gateway.received == []


def test_other_replies_change_nothing(sms_gateway):
    participant = ParticipantFactory(email="", phone="+996555123456", preferred_channel=Preferred.SMS)

    post(*signed_report("sms:received", {"message": "Stop by at 10?", "phoneNumber": participant.phone}))

    assert not Consent.objects.filter(kind=ConsentKind.SMS).exists()
