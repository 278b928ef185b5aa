"""Every message a participant is owed goes through here: written to the outbox, then delivered once.

As in pretix and pretalx, one function writes the rows (`queue_messages`, in
the caller's transaction, with each text rendered in the recipient's language)
and one delivers a row (`deliver`, which refuses a row that is in flight or
already final); whatever hands rows to the workers (a new message, the
sweeper, the admin's "send again") goes through `enqueue`.
"""

import contextlib
import datetime
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agenda.services import calendar
from participants.models import Status

from .models import Audience, Channel, Message, MessageKind, MessageStatus, Reminder

SUBJECTS = {
    MessageKind.INVITATION: _("Invitation: %(event)s"),
    MessageKind.CONFIRMATION: _("You are registered: %(event)s"),
    MessageKind.WAITLISTED: _("You are on the waiting list: %(event)s"),
    MessageKind.PROMOTED: _("A seat is free for you: %(event)s"),
    MessageKind.CANCELLED: _("Your registration is cancelled: %(event)s"),
    MessageKind.ALREADY_REGISTERED: _("About your registration: %(event)s"),
    MessageKind.REMINDER: _("Reminder: %(event)s"),
    MessageKind.ANNOUNCEMENT: "%(subject)s",
    MessageKind.NEW_LINK: _("Your new personal link: %(event)s"),
    MessageKind.ADDRESS_CHANGE: _("Please confirm your address: %(event)s"),
}
DEFAULT_REMINDER_DAYS = (7, 1)

# A temporary failure is tried again this many times in all (about an hour
# with the task's backoff) before the message shows as failed.
MAX_ATTEMPTS = 8
# Rows the broker may have lost: queued for longer than the longest retry
# backoff, or "sending" for longer than a task may run.
QUEUED_GRACE = datetime.timedelta(minutes=15)
SENDING_TIMEOUT = datetime.timedelta(minutes=10)
# Rows per delivery task. With the 20 s SMTP timeout, a batch is far within
# a task's time limit even when one message waits for the full timeout.
MESSAGES_PER_TASK = 50


class TransientDeliveryError(Exception):
    """The server or the network may be back in a minute: try again later."""


class ServerUnavailable(TransientDeliveryError):
    """Not this message's fault: the server could not be reached or is not taking mail now."""


def personal_link(participant):
    return settings.SITE_URL + participant.get_personal_url()


def render(participant, kind, extra_context=None):
    """Subject, plain text and HTML of a message, in the participant's language."""
    event = participant.event
    context = {
        "participant": participant,
        "event": event,
        "personal_link": personal_link(participant),
        **(extra_context or {}),
    }
    with translation.override(participant.site_language):
        # A title pasted with a line break must not become a second header line.
        announcement = context.get("announcement")
        subject = str(SUBJECTS[kind]) % {"event": event.title, "subject": announcement and announcement.subject}
        subject = " ".join(subject.split())
        body_text = render_to_string(f"messaging/email/{kind}.txt", context)
        body_html = render_to_string(
            "messaging/email/base.html",
            {**context, "subject": subject, "text": body_text, "language": participant.site_language},
        )
    return subject, body_text, body_html


def queue_message(participant, kind, *, key=None, extra_context=None):
    """Owe one participant one message (see queue_messages); returns it, or None when its key was taken."""
    messages = queue_messages([participant], kind, key=key and (lambda _participant: key), extra_context=extra_context)
    return messages[0] if messages else None


def queue_messages(participants, kind, *, key=None, extra_context=None):
    """Owe each participant a message of this kind, once per key; deliver them after the transaction commits.

    `key(participant)` names each message (by default its kind and the
    participant), so that the same message is never owed twice. Returns the
    rows written. Someone without an email address gets the same message as
    one to deliver by hand (WhatsApp, SMS or a call), listed for the organisers.
    """
    keys = {participant.pk: key(participant) if key else f"{kind}:{participant.pk}" for participant in participants}
    taken = set(Message.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", flat=True))
    messages = []
    for participant in participants:
        # An erased person has no address left, and nothing may be written about her.
        if keys[participant.pk] in taken or participant.erased_at:
            continue
        taken.add(keys[participant.pk])
        subject, body_text, body_html = render(participant, kind, extra_context)
        messages.append(
            Message(
                event_id=participant.event_id,
                participant=participant,
                kind=kind,
                channel=Channel.EMAIL if participant.email else Channel.BY_HAND,
                to_address=participant.email or participant.phone,
                language=participant.site_language,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                idempotency_key=keys[participant.pk],
            )
        )
    try:
        with transaction.atomic():  # a savepoint: a lost race for a key leaves the caller's transaction intact
            Message.objects.bulk_create(messages)
    except IntegrityError:
        # Another transaction wrote one of these keys since the look-up.
        messages = [message for message in messages if _create_unless_taken(message)]
    enqueue([message.pk for message in messages if message.channel == Channel.EMAIL])
    return messages


def _create_unless_taken(message):
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def enqueue(message_ids):
    """Hand these rows to the workers once the transaction commits, a batch per task.

    A batch goes out on one worker's SMTP connection at the cost of one broker
    message, so that a bulk send is paced by the mail server, not the broker.
    """
    from .tasks import send_messages

    for start in range(0, len(message_ids), MESSAGES_PER_TASK):
        batch = message_ids[start : start + MESSAGES_PER_TASK]
        # robust: a Redis outage must not turn the action that owes the
        # messages into an error page; the rows wait in the outbox for the sweeper.
        transaction.on_commit(lambda batch=batch: send_messages.delay(batch), robust=True)


def deliver_each(message_ids):
    """Deliver these rows one after the other; returns the ids to try again later.

    When the server cannot be reached at all, the rest of the batch waits
    with the message that found out, instead of each waiting for its own timeout.
    """
    later = []
    for position, message_id in enumerate(message_ids):
        try:
            deliver(message_id)
        except ServerUnavailable:
            return later + list(message_ids[position:])
        except TransientDeliveryError:
            later.append(message_id)
    return later


def deliver(message_id):
    """Send one queued email message. Safe to call twice: a row in flight or final is left alone.

    Raises TransientDeliveryError when it is worth trying again later.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, channel=Channel.EMAIL, status=MessageStatus.QUEUED)
            .first()
        )
        if message is None:
            return
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts", "updated_at"])
    try:
        _smtp.send(_email(message))
    except Exception as error:
        if not _is_transient(error):
            _finish(message, MessageStatus.FAILED, error)
            return
        gave_up = message.attempts >= MAX_ATTEMPTS
        _finish(message, MessageStatus.FAILED if gave_up else MessageStatus.QUEUED, error)
        if not gave_up:
            raise (ServerUnavailable if _is_server_unavailable(error) else TransientDeliveryError)(str(error)) from error
        return
    _finish(message, MessageStatus.SENT)


def _finish(message, status, error=None):
    message.status = status
    if error is not None:
        message.last_error = _describe(error)[:2000]
    if status == MessageStatus.SENT:
        message.sent_at = timezone.now()
    message.save(update_fields=["status", "last_error", "sent_at", "updated_at"])


def _describe(error):
    """The server's own answer where there is one, as an organiser would look it up."""
    def text(answer):
        return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {text(answer)}" for address, (code, answer) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _email(message):
    email = EmailMultiAlternatives(message.subject, message.body_text, to=[message.to_address])
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.kind == MessageKind.REMINDER:
        email.attach("dialogue.ics", _calendar_for(message.participant), "text/calendar")
    return email


def _calendar_for(participant):
    """The sessions the person will sit in: the plenaries and their own track's, or every one without a track."""
    sessions = participant.event.sessions.filter(is_break=False).select_related("event", "track")
    if participant.track_id:
        sessions = sessions.filter(Q(track__isnull=True) | Q(track=participant.track_id))
    with translation.override(participant.site_language):
        return calendar(sessions)


def create_default_reminders(event):
    for days in DEFAULT_REMINDER_DAYS:
        Reminder.objects.get_or_create(event=event, days_before=days)


def send_due_reminders(now=None):
    """Write the reminders that are due, once each: beat may run this as often as it likes.

    A reminder goes to those registered before it fell due, never to someone
    who registered after: they have just had their confirmation.
    """
    now = now or timezone.now()
    written = 0
    reminders = Reminder.objects.filter(event__starts_at__gt=now).select_related("event")
    for reminder in reminders:
        if reminder.due_at > now:
            continue
        participants = reminder.event.participants.filter(
            status=Status.REGISTERED, registered_at__lte=reminder.due_at
        ).select_related("event", "track")
        with transaction.atomic():
            written += len(
                queue_messages(
                    list(participants),
                    MessageKind.REMINDER,
                    key=lambda participant, days=reminder.days_before: f"reminder:{participant.pk}:{days}",
                    extra_context={"days_before": reminder.days_before},
                )
            )
    return written


def _is_transient(error):
    """4xx answers, a dropped connection, a timeout: yes. A refused recipient or message (5xx): no."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPServerDisconnected, OSError))


def _is_server_unavailable(error):
    """No connection, a dropped one, or 421 ("service not available"): the next message would fare no better."""
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    return isinstance(error, (smtplib.SMTPServerDisconnected, OSError))


class ReusedConnection:
    """One SMTP connection per worker process, kept open between messages.

    Opening a connection (TCP, EHLO, STARTTLS, AUTH) costs more than sending
    a message. Servers close idle connections, so a send that finds it closed
    reopens it once.
    """

    def __init__(self):
        self.connection = None

    def send(self, email):
        try:
            return self._send(email)
        except smtplib.SMTPServerDisconnected:
            self.close()
            return self._send(email)
        except Exception:
            self.close()  # the conversation's state is unknown after an error
            raise

    def _send(self, email):
        if self.connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            # Kept only once open: a connection that failed to open is not reused.
            self.connection = connection
        email.connection = self.connection
        return email.send()

    def close(self):
        if self.connection is not None:
            connection, self.connection = self.connection, None
            # Saying goodbye to a server that already hung up fails; the connection is gone either way.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()


_smtp = ReusedConnection()


def sweep(now=None):
    """Enqueue again what the broker lost: rows queued for long, or stuck "sending" after a worker died.

    Returns how many rows were enqueued.
    """
    now = now or timezone.now()
    Message.objects.filter(
        channel=Channel.EMAIL, status=MessageStatus.SENDING, updated_at__lt=now - SENDING_TIMEOUT
    ).update(status=MessageStatus.QUEUED, updated_at=now - QUEUED_GRACE)
    waiting = list(
        Message.objects.filter(
            channel=Channel.EMAIL, status=MessageStatus.QUEUED, updated_at__lte=now - QUEUED_GRACE
        ).values_list("pk", flat=True)
    )
    enqueue(waiting)
    return len(waiting)


@transaction.atomic
def send_again(message):
    """An organiser sends a failed or cancelled message again (after correcting an address, say)."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status not in (MessageStatus.FAILED, MessageStatus.CANCELLED):
        return False
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.to_address = message.participant.email or message.participant.phone
    message.channel = Channel.EMAIL if message.participant.email else Channel.BY_HAND
    message.save()
    if message.channel == Channel.EMAIL:
        enqueue([message.pk])
    return True


@transaction.atomic
def cancel(message):
    """Stop a message that has not gone out yet."""
    return bool(
        Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
            status=MessageStatus.CANCELLED, updated_at=timezone.now()
        )
    )


@transaction.atomic
def mark_delivered_by_hand(message, *, by):
    """An organiser has passed the message on by WhatsApp, SMS or phone."""
    return bool(
        Message.objects.filter(pk=message.pk, channel=Channel.BY_HAND, status=MessageStatus.QUEUED).update(
            status=MessageStatus.SENT, sent_at=timezone.now(), delivered_by=by, updated_at=timezone.now()
        )
    )


def recipients(announcement):
    participants = announcement.event.participants.select_related("event", "track")
    if announcement.audience == Audience.WAITLISTED:
        return participants.waitlisted()
    if announcement.audience == Audience.INVITED:
        return participants.filter(status=Status.INVITED)
    participants = participants.filter(status=Status.REGISTERED)
    if announcement.audience == Audience.TRACK:
        participants = participants.filter(track=announcement.track_id)
    return participants


@transaction.atomic
def send_announcement(announcement):
    """Owe the organisers' message to each person of its group, in their language; returns how many."""
    messages = queue_messages(
        list(recipients(announcement)),
        MessageKind.ANNOUNCEMENT,
        key=lambda participant: f"announcement:{announcement.pk}:{participant.pk}",
        extra_context={"announcement": announcement},
    )
    return len(messages)
