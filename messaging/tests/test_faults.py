"""Faults on the way out: the database failing mid-send, a dead worker, the broker losing a batch, a mail server away.

The database is failed for real: the test ends the sending side's PostgreSQL
connection (pg_terminate_backend) at the moment the SMTP server accepts the
message, through a connection of its own.
"""

import datetime
import socket
import threading
import time

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from messaging import services
from messaging.models import Message, MessageKind, MessageStatus
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def database():
    """A connection of the test's own, outside Django, to the database the sending side uses."""
    db = connection.settings_dict
    link = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
    )  # fmt: skip
    link.autocommit = True
    return link


def terminate(where, *params):
    """End the PostgreSQL connections of this database that match `where`; returns how many."""
    with database() as link, link.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = current_database() AND pid <> pg_backend_pid() AND {where}",
            params,
        )
        ended = cursor.fetchone()[0]
    link.close()
    return ended


def on_accept(inbox, action):
    """Run `action` each time the SMTP server is about to answer "250 accepted"."""
    accept = inbox.handle_DATA

    async def handle_data(server, session, envelope):
        if not inbox.refusals:
            action()
        return await accept(server, session, envelope)

    inbox.handle_DATA = handle_data


def queued(count):
    return [services.queue_message(ParticipantFactory(), MessageKind.INVITATION) for _ in range(count)]


def test_database_lost_just_after_the_server_accepted_does_not_send_it_again(smtp_inbox):
    message = queued(1)[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        sender = cursor.fetchone()[0]
    ended = []
    on_accept(smtp_inbox, lambda: ended.append(terminate("pid = %s", sender)))

    assert services.deliver_each([message.pk]) == []

    assert ended == [1]

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    # Even the sweeper, an hour later, finds nothing left to send.
    assert services.sweep(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert len(smtp_inbox.messages) == 1


def test_database_lost_before_a_batch_leaves_the_whole_batch_to_the_retry(smtp_inbox):
    messages = queued(3)
    ids = [message.pk for message in messages]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert terminate("pid = %s", cursor.fetchone()[0]) == 1

    assert services.deliver_each(ids) == ids
    assert smtp_inbox.messages == []
    assert services.deliver_each(ids) == []

    assert len(smtp_inbox.messages) == 3
    assert set(Message.objects.values_list("status", "attempts")) == {(MessageStatus.SENT, 1)}


@pytest.mark.worker
def test_worker_that_loses_the_database_twice_in_a_batch_sends_each_once_without_the_sweeper(
    smtp_inbox, celery_worker_process, wait_for
):
    ended = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        test = cursor.fetchone()[0]

    def fail_the_database():
        if not ended:
            # The worker waits for the answer inside its transaction; then again a moment later,
            # wherever the worker is by then (recording, or starting the next message).
            ended.append(terminate("state LIKE 'idle in transaction%%'"))
            threading.Timer(0.05, terminate, args=("backend_type = 'client backend' AND pid <> %s", test)).start()

    on_accept(smtp_inbox, fail_the_database)

    messages = queued(4)

    # The first retry of a batch comes after half a minute; the sweeper would take over a minute.
    assert wait_for(lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 4, seconds=50)
    assert ended == [1]
    time.sleep(1)
    assert sorted(received["To"] for received in smtp_inbox.messages) == sorted(m.to_address for m in messages)


@pytest.mark.worker
def test_sweeper_sends_what_a_dead_worker_and_the_broker_left_and_leaves_a_row_being_sent(
    smtp_inbox, celery_worker_process, wait_for
):
    abandoned, lost, being_sent = (
        Message.objects.create(
            event=participant.event, participant=participant, kind=MessageKind.INVITATION,
            to_address=participant.email, language="ru", subject="Приглашение", body_text="…",
            idempotency_key=f"fault:{participant.pk}",
        )
        for participant in ParticipantFactory.create_batch(3)
    )  # fmt: skip
    a_while_ago = timezone.now() - services.SENDING_TIMEOUT - datetime.timedelta(seconds=5)
    Message.objects.filter(pk__in=[abandoned.pk, being_sent.pk]).update(
        status=MessageStatus.SENDING, attempts=1, updated_at=a_while_ago
    )
    Message.objects.filter(pk=lost.pk).update(updated_at=a_while_ago)
    sender = database()
    with sender.cursor() as cursor:  # another worker, still waiting for the server's answer
        cursor.execute("BEGIN; SELECT 1 FROM messaging_message WHERE id = %s FOR UPDATE", [being_sent.pk])

        assert services.sweep() == 2

        assert wait_for(lambda: len(smtp_inbox.messages) == 2)
        time.sleep(1)
        assert sorted(received["To"] for received in smtp_inbox.messages) == sorted(
            [abandoned.to_address, lost.to_address]
        )
        assert Message.objects.get(pk=being_sent.pk).status == MessageStatus.SENDING
        # Swept again meanwhile: nothing goes twice.
        assert services.sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == 0
    sender.close()


def test_unreachable_server_puts_the_whole_batch_off_and_the_sweeper_waits_for_it(settings):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    ids = [message.pk for message in queued(3)]
    now = timezone.now()

    assert services.deliver_each(ids) == ids

    retry_at = set(Message.objects.values_list("retry_at", flat=True))
    assert len(retry_at) == 1 and retry_at.pop() >= now + services.retry_delay(1)
    assert services.sweep(now=now + services.QUEUED_GRACE + datetime.timedelta(seconds=5)) == 0
    assert services.sweep(now=now + services.retry_delay(1) + services.QUEUED_GRACE + datetime.timedelta(seconds=5)) == 3


def test_recipient_greylisted_does_not_hold_up_the_rest_of_the_batch(smtp_inbox):
    greylisted, second, third = queued(3)

    async def handle_rcpt(server, session, envelope, address, rcpt_options):
        if address == greylisted.to_address:
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_inbox.handle_RCPT = handle_rcpt

    assert services.deliver_each([greylisted.pk, second.pk, third.pk]) == [greylisted.pk]

    assert sorted(received["To"] for received in smtp_inbox.messages) == sorted([second.to_address, third.to_address])
    greylisted.refresh_from_db()
    assert greylisted.status == MessageStatus.QUEUED and "451 4.7.1 Greylisted" in greylisted.last_error
