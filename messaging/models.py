import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agenda.models import Event
from participants.models import Participant


class MessageKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    CONFIRMATION = "confirmation", _("Registration confirmed")
    WAITLISTED = "waitlisted", _("Placed on the waiting list")
    PROMOTED = "promoted", _("Moved from the waiting list to a seat")
    CANCELLED = "cancelled", _("Cancellation confirmed")
    ALREADY_REGISTERED = "already_registered", _("Someone used this address to register again")
    REMINDER = "reminder", _("Reminder before the event")
    ANNOUNCEMENT = "announcement", _("Organisers' message")
    NEW_LINK = "new_link", _("New personal link")
    ADDRESS_CHANGE = "address_change", _("Link to confirm a new email address or phone number")
    DRAFT_OUTCOME = "draft_outcome", _("The draft outcome is open for answers")
    DRAFT_OUTCOME_REMINDER = "draft_reminder", _("Reminder to answer the draft outcome")
    OUTCOME_PUBLISHED = "outcome_published", _("The final outcome is published")
    EVALUATION = "evaluation", _("Evaluation of the event")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    # Through the SMS gateway of settings.SMS_BACKEND, with the short text.
    SMS = "sms", _("SMS")
    # For people with a phone who prefer WhatsApp, Telegram or a call, or who
    # stopped SMS: an organiser passes the short text on and marks it delivered.
    BY_HAND = "by_hand", _("To deliver by hand")

    @classmethod
    def automatic(cls):
        """The channels the workers deliver through a server; the rest wait for an organiser."""
        return [cls.EMAIL, cls.SMS]


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # The SMS gateway reported that the phone received it (email has no such report).
    DELIVERED = "delivered", _("Delivered")

    @classmethod
    def gone_out(cls):
        return [cls.SENT, cls.DELIVERED]
    # Not the participants' "Cancelled", which means a registration: in Russian the two differ.
    CANCELLED = "cancelled", pgettext_lazy("message status", "Cancelled")


class Reminder(models.Model):
    """A reminder sent to everyone registered, so many days before the event starts."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("event"))
    days_before = models.PositiveSmallIntegerField(
        _("days before the start"),
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The reminder of 1 day before carries the time, the place and a calendar file."),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["event", "-days_before"]
        constraints = [models.UniqueConstraint(fields=["event", "days_before"], name="one_reminder_per_offset")]

    def __str__(self):
        return gettext("%(days)d days before") % {"days": self.days_before}

    @property
    def due_at(self):
        return self.event.starts_at - datetime.timedelta(days=self.days_before)


class Audience(models.TextChoices):
    REGISTERED = "registered", _("Everybody registered")
    TRACK = "track", _("Registered in one discussion track")
    WAITLISTED = "waitlisted", _("The waiting list")
    INVITED = "invited", _("Invited, not answered yet")


class Announcement(models.Model):
    """The organisers' own message to a group of participants, written once per language."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="announcements", verbose_name=_("event"))
    audience = models.CharField(_("to"), max_length=20, choices=Audience.choices, default=Audience.REGISTERED)
    track = models.ForeignKey(
        "agenda.Track",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("discussion track"),
        help_text=_("Only for a message to one track."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"), help_text=_("The personal link of each person is added below the text."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def clean(self):
        if self.audience == Audience.TRACK and self.track_id is None:
            raise ValidationError({"track": _("Choose the track whose participants get the message.")})
        if self.track_id and self.event_id and self.track.event_id != self.event_id:
            raise ValidationError({"track": _("This track belongs to another event.")})


class MessageQuerySet(models.QuerySet):
    def count_by_status(self):
        counts = dict(self.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        return {status: counts.get(status.value, 0) for status in MessageStatus}

    def count_by_channel_and_status(self):
        """({channel: {status: n}} for every channel and status, the SMS parts that went out: their cost)."""
        rows = self.order_by().values_list("channel", "status").annotate(n=Count("pk"), parts=Sum("sms_parts"))
        counts = {channel: dict.fromkeys(MessageStatus, 0) for channel in Channel}
        parts = 0
        for channel, status, n, channel_parts in rows:
            counts[channel][status] = n
            if channel == Channel.SMS and status in MessageStatus.gone_out():
                parts += channel_parts or 0
        return counts, parts


class Message(models.Model):
    """One message owed to a participant: the outbox row, written in the transaction that owes it.

    The text is rendered when the row is written, in the recipient's language,
    so what the log shows is what was sent. The unique key makes the same
    message impossible to owe twice.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages", verbose_name=_("event"))
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="messages", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    to_address = models.CharField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    # The short text for SMS and WhatsApp, rendered with the others; its parts are what an SMS costs.
    body_sms = models.TextField(_("short text"), blank=True)
    sms_parts = models.PositiveSmallIntegerField(_("SMS parts"), default=0)
    # The gateway's id for the SMS, which its delivery reports name.
    gateway_id = models.CharField(_("gateway's message id"), max_length=100, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # After a temporary failure: the task tries again then, and the sweeper leaves the row alone until then.
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.CharField(_("key"), max_length=150, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivered by"),
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            # The admin's log, newest first: a page of it read from here rather than the whole outbox sorted.
            models.Index(fields=["-created_at", "-id"], name="message_log_order"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.participant}"

    @property
    def short_text(self):
        """What an SMS or a WhatsApp message says (rows written before SMS have only the long text)."""
        return self.body_sms or self.body_text

    @property
    def whatsapp_url(self):
        """A link that opens WhatsApp on her number with the short text ready to send."""
        return f"https://wa.me/{self.to_address.lstrip('+')}?{urlencode({'text': self.short_text})}"


class GatewayReport(models.Model):
    """A report the SMS gateway sent us (delivered, failed, an answer), kept so that a replay is refused."""

    report_id = models.CharField(_("report id"), max_length=100, unique=True)
    event = models.CharField(_("event"), max_length=30)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS gateway report")
        verbose_name_plural = _("SMS gateway reports")

    def __str__(self):
        return f"{self.event} {self.report_id}"
