"""The outbox: every message written once with what causes it, delivered once, visible to organisers."""

import datetime
import socket
import threading
import time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection, transaction
from django.utils import timezone

from agenda.tests.factories import EventFactory, UserFactory
from dialogue_event.celery import app as celery_app
from messaging import services
from messaging.models import Channel, Message, MessageKind, MessageStatus
from messaging.tasks import send_messages
from participants import services as participant_services
from participants.models import ConsentKind, Status
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
MESSAGES_URL = "/admin/messaging/message/"


def register(event, **details):
    details = {"full_name": "Айгүл Токтосунова", "email": "aigul@example.org", "category": event.categories.first(),
               "preferred_language": "ru", **details}  # fmt: skip
    return participant_services.register(event, details, {ConsentKind.DATA_PROCESSING: True}, language="ru")


def test_confirmation_is_written_with_the_registration_in_the_participants_language(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(
        open_registration=True,
        title_en="Dialogue in Osh",
        title_ru="Диалог в Оше",
        host_organisation_en="UN Women in Kyrgyzstan",
        host_organisation_ru="ООН-Женщины в Кыргызстане",
    )

    with django_capture_on_commit_callbacks() as callbacks:
        participant = register(event).participant

    message = Message.objects.get()
    assert (message.kind, message.channel, message.status) == (MessageKind.CONFIRMATION, Channel.EMAIL, "queued")
    assert message.subject == "Вы зарегистрированы: Диалог в Оше"
    assert f"/ru/p/{participant.access_token}/" in message.body_text
    assert "Организатор: ООН-Женщины в Кыргызстане" in message.body_text
    assert '<html lang="ru">' in message.body_html and "Открыть мою личную страницу" in message.body_html
    assert len(callbacks) == 1


def test_the_same_key_never_owes_a_message_twice():
    participant = ParticipantFactory()

    first = services.queue_message(participant, MessageKind.PROMOTED)
    second = services.queue_message(participant, MessageKind.PROMOTED)

    assert first is not None and second is None
    assert Message.objects.count() == 1


def test_message_enqueued_three_times_is_sent_once(smtp_inbox):
    message = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)

    for _ in range(3):
        send_messages([message.pk])

    assert len(smtp_inbox.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)


def test_email_carries_plain_text_and_html(smtp_inbox):
    message = services.queue_message(ParticipantFactory(preferred_language="en"), MessageKind.INVITATION)

    send_messages([message.pk])

    received = smtp_inbox.messages[0]
    assert received.get_body(("plain",)).get_content().startswith("Dear ")
    assert "Open my personal page" in received.get_body(("html",)).get_content()


def test_temporary_refusal_is_tried_again_until_it_succeeds(smtp_inbox):
    message = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)
    smtp_inbox.refusals = ["421 Service not available, try again later"]

    with pytest.raises(services.TransientDeliveryError):
        services.deliver(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "421" in message.last_error

    services.deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert len(smtp_inbox.messages) == 1


def test_permanent_refusal_fails_at_once_and_shows_in_the_admin(smtp_inbox, admin_client):
    message = services.queue_message(ParticipantFactory(full_name="Бурулай Сапарова"), MessageKind.INVITATION)
    smtp_inbox.refusals = ["550 No such mailbox"]

    services.deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    failed_list = admin_client.get(f"{MESSAGES_URL}?status__exact=failed").content.decode()
    assert "Бурулай Сапарова" in failed_list
    assert 'Failed: <span class="status-count">1</span>' in failed_list
    assert "550 No such mailbox" in admin_client.get(f"{MESSAGES_URL}{message.pk}/change/").content.decode()


def test_message_list_in_russian_says_a_message_was_cancelled_not_a_registration(admin_client, settings):
    message = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)
    services.cancel(message)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    page = admin_client.get(MESSAGES_URL).content.decode()

    assert 'Отменено: <span class="status-count">1</span>' in page
    assert "Регистрация отменена" not in page


def test_temporary_failures_end_as_failed_after_the_last_attempt(smtp_inbox):
    message = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)
    Message.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    smtp_inbox.refusals = ["451 Local error"]

    services.deliver(message.pk)

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_worker_sends_over_one_connection_and_reopens_it_when_the_server_closed_it(smtp_inbox):
    first, second, third = (services.queue_message(ParticipantFactory(), MessageKind.INVITATION) for _ in range(3))

    services.deliver(first.pk)
    connection = services._smtp.connection
    services.deliver(second.pk)
    assert services._smtp.connection is connection

    connection.connection.sock.close()  # the server dropped an idle connection
    services.deliver(third.pk)

    assert len(smtp_inbox.messages) == 3
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 3


def test_bulk_invitations_are_written_once_each_and_handed_to_the_workers_in_batches(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    invitees = ParticipantFactory.create_batch(120, event=event)

    with django_capture_on_commit_callbacks() as callbacks:
        sending = participant_services.send_invitations(invitees)

    assert (len(sending.emailed), sending.by_hand) == (120, [])
    assert Message.objects.filter(event=event, kind=MessageKind.INVITATION, status=MessageStatus.QUEUED).count() == 120
    assert Message.objects.values("participant").distinct().count() == 120
    assert len(callbacks) == 3  # 50 + 50 + 20: one broker message per batch, not per invitation


def test_unreachable_server_leaves_the_rest_of_the_batch_queued_untried(settings):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    messages = [services.queue_message(ParticipantFactory(), MessageKind.INVITATION) for _ in range(3)]
    ids = [message.pk for message in messages]

    assert services.deliver_each(ids) == ids

    attempts = dict(Message.objects.values_list("pk", "attempts"))
    assert [attempts[pk] for pk in ids] == [1, 0, 0]
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.QUEUED}


def test_one_recipient_refused_for_now_does_not_hold_up_the_rest_of_the_batch(smtp_inbox):
    busy, second, third = (services.queue_message(ParticipantFactory(), MessageKind.INVITATION) for _ in range(3))
    smtp_inbox.refusals = ["450 Mailbox busy, try again later"]

    assert services.deliver_each([busy.pk, second.pk, third.pk]) == [busy.pk]

    assert len(smtp_inbox.messages) == 2
    busy.refresh_from_db()
    assert (busy.status, busy.attempts) == (MessageStatus.QUEUED, 1)


@pytest.mark.django_db(transaction=True)
def test_key_written_meanwhile_by_another_transaction_is_skipped_and_the_rest_are_written():
    first, second = ParticipantFactory.create_batch(2)
    key = f"{MessageKind.PROMOTED}:{first.pk}"
    inserted, go_on = threading.Event(), threading.Event()

    def other_transaction():
        try:
            with transaction.atomic():
                Message.objects.create(
                    event_id=first.event_id, participant=first, kind=MessageKind.PROMOTED, to_address=first.email,
                    language="ru", subject="", body_text="", idempotency_key=key,
                )  # fmt: skip
                inserted.set()
                go_on.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_transaction)
    thread.start()
    assert inserted.wait(10)
    # The look-up cannot see the uncommitted row; the insert then waits on it.
    threading.Timer(1.0, go_on.set).start()
    written = services.queue_messages([first, second], MessageKind.PROMOTED)
    thread.join()

    assert [message.participant_id for message in written] == [second.pk]
    assert Message.objects.filter(idempotency_key=key).count() == 1
    assert Message.objects.count() == 2


def test_sweeper_enqueues_again_rows_the_broker_lost_and_leaves_fresh_ones(django_capture_on_commit_callbacks):
    now = timezone.now()
    stuck = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)
    lost = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)
    fresh = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)
    Message.objects.filter(pk=stuck.pk).update(status=MessageStatus.SENDING, updated_at=now - datetime.timedelta(hours=1))
    Message.objects.filter(pk=lost.pk).update(updated_at=now - datetime.timedelta(hours=1))

    assert services.sweep(now=now) == 2

    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == MessageStatus.QUEUED
    assert fresh.status == MessageStatus.QUEUED


def test_message_to_someone_with_a_phone_only_is_listed_and_marked_delivered_by_hand(admin_client):
    participant = ParticipantFactory(full_name="Канышай Орозбаева", email="", phone="+996555101203")
    message = services.queue_message(participant, MessageKind.INVITATION)

    page = admin_client.get(f"{MESSAGES_URL}?channel__exact=by_hand&status__exact=queued").content.decode()
    assert "Канышай Орозбаева" in page
    text = admin_client.get(f"{MESSAGES_URL}{message.pk}/change/").content.decode()
    assert f"/p/{participant.access_token}/" in text and "data-copy-button" in text

    response = admin_client.post(
        MESSAGES_URL, {"action": "mark_delivered_by_hand", "_selected_action": [message.pk]}, follow=True
    )

    assert "1 message done." in response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.delivered_by.username) == (MessageStatus.SENT, "admin")


def test_organiser_sends_a_failed_message_again_after_the_address_is_corrected(
    admin_client, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(email="typo@exmaple.org")
    message = services.queue_message(participant, MessageKind.INVITATION)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED, attempts=1)
    participant.email = "right@example.org"
    participant.save()

    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(MESSAGES_URL, {"action": "send_again", "_selected_action": [message.pk]})

    message.refresh_from_db()
    assert (message.status, message.to_address, message.attempts) == (MessageStatus.QUEUED, "right@example.org", 0)
    assert len(callbacks) == 1


def test_sent_message_cannot_be_cancelled(admin_client):
    message = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT)

    response = admin_client.post(MESSAGES_URL, {"action": "cancel", "_selected_action": [message.pk]}, follow=True)

    assert "1 message was left as it was" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_people_without_permission_see_no_messages(client):
    services.queue_message(ParticipantFactory(), MessageKind.INVITATION)
    client.force_login(UserFactory(is_staff=True))

    assert client.get(MESSAGES_URL).status_code == 403


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_registration_confirmation_arrives_once_through_a_real_worker(smtp_inbox, celery_worker_process, wait_for):
    event = EventFactory(open_registration=True, title_ru="Диалог в Оше")

    participant = register(event).participant

    assert wait_for(lambda: len(smtp_inbox.messages) >= 1)
    time.sleep(1)
    assert len(smtp_inbox.messages) == 1
    assert " ".join(smtp_inbox.messages[0]["Subject"].split()) == "Вы зарегистрированы: Диалог в Оше"
    assert Message.objects.get(participant=participant).status == MessageStatus.SENT


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_temporary_refusal_is_retried_by_the_worker_until_it_arrives(
    smtp_inbox, celery_worker_process, settings, wait_for
):
    smtp_inbox.refusals = ["421 Try again later"]

    participant = register(EventFactory(open_registration=True)).participant

    # The first retry waits 30 s: the worker holds it, the broker keeps it.
    assert wait_for(lambda: len(smtp_inbox.messages) == 1, seconds=60)
    message = Message.objects.get(participant=participant)
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)


def _use_broker(url):
    """Point this process's Celery app at another broker (kombu keeps one pool per broker address)."""
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_registration_succeeds_while_redis_is_down_and_the_sweeper_sends_it_later(
    smtp_inbox, celery_worker_process, wait_for
):
    real_broker = celery_app.conf.broker_write_url
    with socket.socket() as probe:  # a port where nothing listens: Redis is down
        probe.bind(("127.0.0.1", 0))
        dead_broker = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    _use_broker(dead_broker)
    try:
        result = register(EventFactory(open_registration=True))
    finally:
        _use_broker(real_broker)

    assert result.participant.status == Status.REGISTERED
    time.sleep(2)
    assert smtp_inbox.messages == []  # the task never reached the broker

    services.sweep(now=timezone.now() + services.QUEUED_GRACE)

    assert wait_for(lambda: len(smtp_inbox.messages) == 1)
    assert Message.objects.get().status == MessageStatus.SENT


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_same_row_enqueued_three_times_reaches_the_worker_and_is_sent_once(
    smtp_inbox, celery_worker_process, wait_for
):
    message = services.queue_message(ParticipantFactory(), MessageKind.INVITATION)

    for _ in range(3):
        send_messages.delay([message.pk])

    assert wait_for(lambda: Message.objects.get(pk=message.pk).status == MessageStatus.SENT)
    time.sleep(2)  # time for the two other deliveries to find it sent
    assert len(smtp_inbox.messages) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_organiser_watches_a_bulk_send_of_invitations_reach_all_sent(
    admin_client, smtp_inbox, celery_worker_process, wait_for
):
    event = EventFactory()
    invitees = ParticipantFactory.create_batch(120, event=event)

    answer = admin_client.post(
        "/admin/participants/participant/",
        {"action": "send_invitations", ACTION_CHECKBOX_NAME: [invitee.pk for invitee in invitees]},
        follow=True,
    )
    assert "120 invitations are on their way by email." in answer.content.decode()

    def event_page():
        return admin_client.get(f"/admin/agenda/event/{event.pk}/change/").content.decode()

    assert wait_for(lambda: "Queued: 0" in event_page(), seconds=60)
    assert "Sent: 120" in event_page() and "Failed: 0" in event_page()
    recipients = [message["To"] for message in smtp_inbox.messages]
    assert sorted(recipients) == sorted(invitee.email for invitee in invitees)
