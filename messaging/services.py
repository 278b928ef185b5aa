"""Every message a participant is owed goes through here: written to the outbox, then delivered once.

As in pretix and pretalx, one function writes the rows (`queue_messages`, in
the caller's transaction, with each text rendered in the recipient's language)
and one delivers a row (`deliver`, which refuses a row that is in flight or
already final); whatever hands rows to the workers (a new message, the
sweeper, the admin's "send again") goes through `enqueue`.

Email and SMS take the same path. A row is marked "sending" in a
transaction of its own before the SMTP server or the SMS gateway hears of
it, then locked while the server answers, and the answer is written under
that lock. When the database fails just after the server accepted the
message, the answer is written again in short transactions of its own until
one gets through, so a database blip never sends a message twice; a worker
killed between the server's answer and that write is the one way left to
send twice (the sweeper cannot tell the message went). A row left "sending"
that nobody holds locked was abandoned by a dead worker; the sweeper, which
beat runs every half minute, hands it and any queued row the broker lost
back to the workers.
"""

import contextlib
import datetime
import hashlib
import hmac
import json
import smtplib
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agenda.services import calendar
from participants.models import Channel as Preferred
from participants.models import ConsentKind, ConsentMethod, Participant, Status
from participants.selectors import sms_stopped
from participants.validators import normalise_phone

from . import sms
from .models import Audience, Channel, GatewayReport, Message, MessageKind, MessageStatus, Reminder
from .sms.base import GatewayUnavailable, SmsError

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
    MessageKind.DRAFT_OUTCOME: _("The draft recommendations: what do you think? %(event)s"),
    MessageKind.DRAFT_OUTCOME_REMINDER: _("Three days left to answer the draft recommendations: %(event)s"),
    MessageKind.OUTCOME_PUBLISHED: _("The recommendations are published: %(event)s"),
    MessageKind.EVALUATION: _("How was the dialogue? A few questions: %(event)s"),
}
DEFAULT_REMINDER_DAYS = (7, 1)

# A temporary failure is tried again this many times in all (about half an
# hour with the backoff of retry_delay) before the message shows as failed.
MAX_ATTEMPTS = 8
# Rows the broker may have lost: queued a minute past their time, or left
# "sending" for a minute with nobody holding their lock (a worker that is
# sending holds it until the server's answer is written).
QUEUED_GRACE = datetime.timedelta(minutes=1)
SENDING_TIMEOUT = datetime.timedelta(minutes=1)
# Seconds between tries to write the server's answer after the database
# failed just then: about half a minute in all, longer than a restart takes.
RECORD_PAUSES = (0.2, 0.5, 1, 2, 4, 8, 15)
# The database could not be reached, dropped the connection or gave up
# waiting (a timeout): worth trying again, unlike wrong data.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
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
    """Subject, plain text, HTML and short text (SMS, WhatsApp) of a message, in the participant's language."""
    event = participant.event
    context = {
        "participant": participant,
        "event": event,
        "kind": kind,
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
        # One line: a line break would cost a character of the 67 a Cyrillic SMS part holds.
        body_sms = " ".join(render_to_string(f"messaging/sms/{kind}.txt", context).split())
    return subject, body_text, body_html, body_sms


def channels_for(participants):
    """How each person's messages reach her: {participant pk: (channel, address)}. The one place that decides.

    SMS for whoever prefers SMS and has a phone, until she answers "STOP" to
    one; otherwise email when she has an address; otherwise her phone, by
    hand: WhatsApp, Telegram or a call as she prefers (no gateway does those),
    or SMS she stopped, which an organiser may still pass on another way.
    """
    wants_sms = {person.pk for person in participants if person.preferred_channel == Preferred.SMS and person.phone}
    stopped = sms_stopped(wants_sms) if wants_sms else set()
    channels = {}
    for participant in participants:
        if participant.pk in wants_sms and participant.pk not in stopped:
            channels[participant.pk] = (Channel.SMS, participant.phone)
        elif participant.email:
            channels[participant.pk] = (Channel.EMAIL, participant.email)
        else:
            channels[participant.pk] = (Channel.BY_HAND, participant.phone)
    return channels


def queue_message(participant, kind, *, key=None, extra_context=None, new=False):
    """Owe one participant one message (see queue_messages); returns it, or None when its key was taken."""
    messages = queue_messages(
        [participant], kind, key=key and (lambda _participant: key), extra_context=extra_context, new=new
    )
    return messages[0] if messages else None


def queue_messages(participants, kind, *, key=None, extra_context=None, new=False):
    """Owe each participant a message of this kind, once per key; deliver them after the transaction commits.

    `key(participant)` names each message (by default its kind and the
    participant), so that the same message is never owed twice. Returns the
    rows written. Each goes by the person's channel (see channels_for): email,
    SMS, or by hand (WhatsApp, a call), listed for the organisers.

    `new`: the participants were created in this transaction, so no other
    transaction can have owed them anything yet (a key names its person):
    nothing is looked up and no savepoint guards the insert, which saves a
    registration three of its statements.
    """
    keys = {participant.pk: key(participant) if key else f"{kind}:{participant.pk}" for participant in participants}
    taken = set()
    if not new:
        taken = set(Message.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", flat=True))
    messages = []
    channels = channels_for([participant for participant in participants if keys[participant.pk] not in taken])
    for participant in participants:
        # An erased person has no address left, and nothing may be written about her.
        if keys[participant.pk] in taken or participant.erased_at:
            continue
        taken.add(keys[participant.pk])
        subject, body_text, body_html, body_sms = render(participant, kind, extra_context)
        channel, address = channels[participant.pk]
        messages.append(
            Message(
                event_id=participant.event_id,
                participant=participant,
                kind=kind,
                channel=channel,
                to_address=address,
                language=participant.site_language,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                body_sms=body_sms,
                sms_parts=sms.count_parts(body_sms),
                idempotency_key=keys[participant.pk],
            )
        )
    if new:
        Message.objects.bulk_create(messages)
    else:
        try:
            with transaction.atomic():  # a savepoint: a lost race for a key leaves the caller's transaction intact
                Message.objects.bulk_create(messages)
        except IntegrityError:
            # Another transaction wrote one of these keys since the look-up.
            messages = [message for message in messages if _create_unless_taken(message)]
    enqueue([message.pk for message in messages if message.channel in Channel.automatic()])
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

    When the mail server or the database cannot be reached at all, the rest of
    the batch waits with the message that found out, instead of each waiting
    for its own timeout.
    """
    later = []
    for position, message_id in enumerate(message_ids):
        try:
            deliver(message_id)
        except ServerUnavailable:
            _postpone(message_ids[position + 1 :], like=message_id)
            return later + list(message_ids[position:])
        except TransientDeliveryError:
            later.append(message_id)
        except DATABASE_UNAVAILABLE:
            # A broken connection stays broken: the retry starts from a new one.
            connection.close()
            return later + list(message_ids[position:])
    return later


def deliver(message_id):
    """Send one queued email or SMS. Safe to call twice: a row in flight or final is left alone.

    Raises TransientDeliveryError when it is worth trying again later, and
    the database's OperationalError or InterfaceError when the database
    failed (for half a minute on end, if the message had gone out).
    """
    message = _claim(message_id)
    if message is None:
        return
    outcome = error = None
    try:
        with transaction.atomic():
            # Held until the answer is written: the sweeper takes only rows nobody holds.
            Message.objects.select_for_update().filter(pk=message.pk).values_list("pk").first()
            gateway_id = ""
            try:
                gateway_id = _send(message)
            except DATABASE_UNAVAILABLE:
                raise
            except Exception as send_error:  # noqa: BLE001  (each kind of answer is sorted out below)
                error = send_error
            outcome = _outcome(message, error)
            if gateway_id:
                outcome["gateway_id"] = gateway_id[:100]
            Message.objects.filter(pk=message.pk).update(**outcome, updated_at=timezone.now())
    except DATABASE_UNAVAILABLE:
        if outcome is None:
            # Nothing went out: the row takes its turn again, with the retry of its batch.
            _record(message.pk, {"status": MessageStatus.QUEUED, "attempts": message.attempts - 1})
            raise
        _record(message.pk, outcome)
    if outcome["status"] == MessageStatus.QUEUED:
        raise (ServerUnavailable if _is_server_unavailable(error) else TransientDeliveryError)(str(error)) from error


def _send(message):
    """Hand the message to its server; returns the SMS gateway's id for it ("" for email)."""
    if message.channel == Channel.SMS:
        return sms.get_backend().send_message(message.to_address, message.body_sms)
    _smtp.send(_email(message))
    return ""


def _claim(message_id):
    """Mark the row "sending" and count the attempt, committed before the server hears of the message."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, channel__in=Channel.automatic(), status=MessageStatus.QUEUED)
            .first()
        )
        if message is None:
            return None
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts", "updated_at"])
    return message


def _outcome(message, error):
    """The row's new fields after the server's answer (`error` None: accepted)."""
    now = timezone.now()
    if error is None:
        return {"status": MessageStatus.SENT, "sent_at": now, "retry_at": None}
    outcome = {"last_error": _describe(error)[:2000]}
    if _is_transient(error) and message.attempts < MAX_ATTEMPTS:
        return {**outcome, "status": MessageStatus.QUEUED, "retry_at": now + retry_delay(message.attempts)}
    return {**outcome, "status": MessageStatus.FAILED, "retry_at": None}


def retry_delay(attempts):
    """The pause after a temporary failure: half a minute, doubling, at most ten minutes."""
    return datetime.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 600))


def _record(message_id, outcome):
    """Write the row's new fields after the database failed, each try a short transaction of its own.

    A row the sweeper meanwhile gave up on ("queued" again) gets the answer
    too, so that it is not sent a second time.
    """
    for pause in (*RECORD_PAUSES, None):
        try:
            Message.objects.filter(
                pk=message_id, status__in=[MessageStatus.SENDING, MessageStatus.QUEUED]
            ).update(**outcome, updated_at=timezone.now())
            return
        except DATABASE_UNAVAILABLE:
            if pause is None:
                raise
            connection.close()
            time.sleep(pause)


def _postpone(message_ids, *, like):
    """The rest of a batch that met an unreachable server waits as long as the row that found out."""
    Message.objects.filter(pk__in=list(message_ids), status=MessageStatus.QUEUED).update(
        retry_at=Subquery(Message.objects.filter(pk=like).values("retry_at")[:1])
    )


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
    if isinstance(error, SmsError):
        return error.transient
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPServerDisconnected, OSError))


def _is_server_unavailable(error):
    """No connection, a dropped one, or 421 ("service not available"): the next message would fare no better."""
    if isinstance(error, SmsError):
        return isinstance(error, GatewayUnavailable)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    # Every SMTP error is an OSError too; a refused recipient says nothing about the next one.
    return isinstance(error, smtplib.SMTPServerDisconnected) or (
        isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
    )


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
    """Enqueue again what the broker lost: rows queued a minute past their time, and rows a dead worker left
    "sending" (nobody holds their lock). Beat runs it every half minute; a row enqueued twice is sent once.

    Returns how many rows were enqueued.
    """
    now = now or timezone.now()
    cutoff = now - QUEUED_GRACE
    with transaction.atomic():
        abandoned = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(channel__in=Channel.automatic(), status=MessageStatus.SENDING, updated_at__lt=now - SENDING_TIMEOUT)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=abandoned).update(status=MessageStatus.QUEUED, retry_at=None, updated_at=now)
        waiting = list(
            Message.objects.filter(channel__in=Channel.automatic(), status=MessageStatus.QUEUED, updated_at__lte=cutoff)
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=cutoff))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        enqueue(abandoned + waiting)
    return len(abandoned) + len(waiting)


@transaction.atomic
def send_again(message):
    """An organiser sends a failed or cancelled message again (after correcting an address, say)."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status not in (MessageStatus.FAILED, MessageStatus.CANCELLED):
        return False
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.retry_at = None
    message.channel, message.to_address = channels_for([message.participant])[message.participant.pk]
    message.gateway_id = ""
    message.save()
    if message.channel in Channel.automatic():
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


# How far a report's X-Timestamp may be from our clock: the gateway app's own advice against replays.
REPORT_WINDOW = datetime.timedelta(minutes=5)


class ReportRefused(Exception):
    """A gateway report that changes nothing: `status` is the HTTP answer (4xx), the message says why."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status


def receive_report(body, timestamp, signature, *, now=None):
    """Apply one report of the SMS gateway, once: delivered, failed, or a reply (see stop_sms_by_reply).

    The gateway signs each report: X-Signature is the hex HMAC-SHA256, with
    SMS_WEBHOOK_SIGNING_KEY, of the raw body followed by X-Timestamp (Unix
    seconds), https://docs.sms-gate.app/features/webhooks/#payload-signing.
    A report outside REPORT_WINDOW, or whose id was applied before, is a replay.
    A report about a message we do not know (yet: the gateway's answer may be
    written a moment after its report) is refused, and the gateway tries again.
    """
    key = settings.SMS_WEBHOOK_SIGNING_KEY
    expected = hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    if not key or not hmac.compare_digest(expected.encode(), signature.encode(errors="replace")):
        raise ReportRefused(403, "wrong signature")
    try:
        sent_at = datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.UTC)
        report = json.loads(body)
        event, report_id, payload = report["event"], str(report["id"]), report.get("payload") or {}
    except (ValueError, TypeError, KeyError, OverflowError):
        raise ReportRefused(400, "not a report") from None
    if abs((now or timezone.now()) - sent_at) > REPORT_WINDOW:
        raise ReportRefused(400, "too old or too far ahead: a replay?")
    with transaction.atomic():
        try:
            with transaction.atomic():
                GatewayReport.objects.create(report_id=report_id[:100], event=event[:30])
        except IntegrityError:
            raise ReportRefused(409, "this report was applied before") from None
        if event in ("sms:delivered", "sms:failed"):
            _apply_delivery_report(event, payload)
        elif event == "sms:received":
            stop_sms_by_reply(payload.get("phoneNumber", ""), payload.get("message", ""))


def _apply_delivery_report(event, payload):
    message = (
        Message.objects.select_for_update()
        .filter(channel=Channel.SMS, gateway_id=str(payload.get("messageId", "")))
        .exclude(gateway_id="")
        .first()
    )
    if message is None:
        raise ReportRefused(404, "no such message")
    # Only a message sent can be delivered or fail; a report after a final one changes nothing.
    if message.status != MessageStatus.SENT:
        return
    if event == "sms:delivered":
        message.status, message.delivered_at = MessageStatus.DELIVERED, timezone.now()
    else:
        message.status = MessageStatus.FAILED
        message.last_error = f"sms:failed: {payload.get('reason') or '?'}"[:2000]
    message.save(update_fields=["status", "delivered_at", "last_error", "updated_at"])


# A reply that stops SMS: English, Russian and Kyrgyz, as people write them.
STOP_WORDS = {"STOP", "СТОП", "ТОКТОТ", "ТОКТОТУУ", "ТОКТОТУҢУЗ", "ОТПИСАТЬСЯ"}


def stop_sms_by_reply(phone, text):
    """Her reply "STOP" turns SMS off for whoever has that number: recorded as her answer, like a consent.

    Her SMS not sent yet wait for an organiser instead, as her next messages
    will (channels_for). Returns how many people it was for.
    """
    from participants.services import record_consents

    if text.strip().strip(".!").upper() not in STOP_WORDS:
        return 0
    try:
        number = normalise_phone(phone)
    except ValidationError:
        return 0
    people = list(Participant.objects.filter(phone=number, erased_at__isnull=True))
    for participant in people:
        record_consents(
            participant, {ConsentKind.SMS: False}, language=participant.site_language, method=ConsentMethod.SMS_REPLY
        )
    Message.objects.filter(participant__in=people, channel=Channel.SMS, status=MessageStatus.QUEUED).update(
        channel=Channel.BY_HAND, updated_at=timezone.now()
    )
    return len(people)
