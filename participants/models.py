import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Count, Q, Value
from django.db.models.functions import Concat, Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agenda.models import Event, Track

from .folding import folded


def new_access_token():
    # 128 random bits: unguessable, and short enough for an SMS.
    return secrets.token_urlsafe(16)


# Capitals and digits that cannot be mistaken for one another when read out
# at the door or typed from a printout (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V).
CHECKIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
CHECKIN_CODE_LENGTH = 10


def new_checkin_token():
    # About 45 random bits: unguessable at the door, short enough to read out.
    return "".join(secrets.choice(CHECKIN_CODE_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


class Region(models.Model):
    """An oblast, or a city that stands on its own such as Osh or Bishkek."""

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class DistrictManager(models.Manager):
    # A district is named with its region: every list of districts (the admin's filter and select, the import's
    # lookup) reads the region in the same statement rather than one more per district.
    def get_queryset(self):
        return super().get_queryset().select_related("region")


class District(models.Model):
    """A district or a town within a region; organisers add more as they need."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DistrictManager()

    class Meta:
        verbose_name = _("district or town")
        verbose_name_plural = _("districts and towns")
        ordering = ["region__order", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="district_name_unique_in_region")]

    def __str__(self):
        return f"{self.name} ({self.region})"


class Category(models.Model):
    """Who a participant comes as (women activist, member of Parliament...), per event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="categories", verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    open_to_public = models.BooleanField(
        _("offered on the public form"),
        default=True,
        help_text=_("Untick for categories only organisers assign, such as organiser staff."),
    )

    class Meta:
        verbose_name = _("participant category")
        verbose_name_plural = _("participant categories")
        ordering = ["event", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="category_name_unique_in_event")]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NOT_SAID = "not_said", _("Prefer not to say")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    FROM_18 = "18_29", _("18–29")
    FROM_30 = "30_44", _("30–44")
    FROM_45 = "45_59", _("45–59")
    FROM_60 = "60_plus", _("60 or older")
    NOT_SAID = "not_said", _("Prefer not to say")


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    TELEGRAM = "telegram", _("Telegram")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")


class Language(models.TextChoices):
    KYRGYZ = "ky", _("Kyrgyz")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    UZBEK = "uz", _("Uzbek")


class Visibility(models.TextChoices):
    LISTED = "listed", _("Listed by name in the participant list")
    ORGANISERS_ONLY = "organisers_only", _("Known to the organisers only")
    COUNTED_ONLY = "counted_only", _("Only counted, never named")


class Status(models.TextChoices):
    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


class Source(models.TextChoices):
    INVITATION = "invitation", _("Invited by the organisers")
    PUBLIC_FORM = "public_form", _("Public registration form")
    WALK_IN = "walk_in", _("Added at the door")


# The named sets of statuses. Everything that asks "does she hold a seat?" or
# "is she still to answer the invitation?" uses these, templates through the
# Participant properties below.
# Holding a seat at the event.
Status.SEAT_HOLDING = frozenset({Status.REGISTERED, Status.ATTENDED})
# Not (or no longer) registered: her page offers the invitation's answer.
Status.ANSWERING_INVITATION = frozenset({Status.INVITED, Status.DECLINED, Status.CANCELLED})
# Signed up, with a seat or waiting for one: she may still cancel.
Status.SIGNED_UP = frozenset({Status.REGISTERED, Status.WAITLISTED})


class ParticipantQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(status__in=Status.SEAT_HOLDING)

    def waitlisted(self):
        return self.filter(status=Status.WAITLISTED).order_by("registered_at", "pk")

    def count_by_status(self):
        # Without clearing the ordering, GROUP BY would also group by the ordering columns.
        counts = dict(self.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        return {status: counts.get(status.value, 0) for status in Status}


class Participant(models.Model):
    """One person's place in one event, from invitation to attendance.

    One record rather than an Invitation and a Registration: the same person
    moves through invited, registered, waitlisted and attended, the contact
    details must stay unique per event whatever the stage, and the personal
    link must keep working throughout.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants", verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INVITED)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.INVITATION)

    full_name = models.CharField(
        _("full name"), max_length=200, help_text=_("As the person writes it, in any order and alphabet.")
    )
    # What the door's search looks in: both names, in any alphabet (folding.py).
    name_folded = models.GeneratedField(
        expression=folded(Concat("full_name", Value(" "), "badge_name")),
        output_field=models.TextField(),
        db_persist=True,
    )
    badge_name = models.CharField(
        _("name on the badge"), max_length=100, blank=True, help_text=_("If different from the full name.")
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="participants", verbose_name=_("category")
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("district or town"),
    )
    village = models.CharField(_("village"), max_length=100, blank=True)
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("discussion track"),
    )

    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("Stored in international form, for example +996555123456.")
    )
    preferred_channel = models.CharField(
        _("preferred way to be contacted"), max_length=10, choices=Channel.choices, default=Channel.WHATSAPP
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.RUSSIAN
    )

    interpretation_language = models.CharField(
        _("interpretation needed into"), max_length=2, choices=Language.choices, blank=True
    )
    accessibility_needs = models.TextField(_("accessibility needs"), max_length=1000, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    childcare_needed = models.BooleanField(_("childcare needed"), default=False)
    children_ages = models.CharField(_("children's ages"), max_length=100, blank=True)
    travel_support_needed = models.BooleanField(_("travel support needed"), default=False)
    departure_place = models.CharField(_("travelling from"), max_length=200, blank=True)
    accommodation_nights = models.PositiveSmallIntegerField(
        _("nights of accommodation needed"), default=0, validators=[MaxValueValidator(30)]
    )

    visibility = models.CharField(
        _("in the participant list"), max_length=20, choices=Visibility.choices, default=Visibility.ORGANISERS_ONLY
    )
    at_risk = models.BooleanField(
        _("at risk"),
        default=False,
        help_text=_("Keeps the person out of every export and every list but the organisers' own."),
    )
    organiser_notes = models.TextField(_("organisers' notes"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)

    access_token = models.CharField(_("personal link key"), max_length=43, unique=True, default=new_access_token)
    # What her check-in QR code holds: a key of its own, so that a photo of
    # the code checks her in and never opens her personal page.
    checkin_token = models.CharField(
        _("check-in code"), max_length=CHECKIN_CODE_LENGTH, unique=True, null=True, blank=True, editable=False
    )
    # A form's one-time key, so a second submit of the same form is recognised.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    invitation_sent_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when her personal data was erased (on her request or by the
    # retention rule): the row stays, anonymous, so that the reports' counts hold.
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("personal data erased by"),
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["event", "full_name"]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(email=""),
                name="participant_email_unique_in_event",
                violation_error_message=_("Somebody with this email address is already on this event's list."),
            ),
            models.UniqueConstraint(
                fields=["event", "phone"],
                condition=~Q(phone=""),
                name="participant_phone_unique_in_event",
                violation_error_message=_("Somebody with this phone number is already on this event's list."),
            ),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone="") | Q(erased_at__isnull=False),
                name="participant_has_email_or_phone",
                violation_error_message=_("Give a phone number or an email address."),
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            # The admin's list: its default order, and one event's people by name.
            models.Index(fields=["-event", "full_name", "id"], name="participant_admin_order"),
        ]

    def __str__(self):
        return self.full_name if self.erased_at is None else gettext("Erased participant")

    @property
    def region(self):
        return self.district.region if self.district_id else None

    @property
    def holds_seat(self):
        return self.status in Status.SEAT_HOLDING

    @property
    def is_answering_invitation(self):
        return self.status in Status.ANSWERING_INVITATION

    @property
    def is_signed_up(self):
        return self.status in Status.SIGNED_UP

    @property
    def site_language(self):
        """The interface language closest to the person's own (Uzbek readers get Russian)."""
        available = {code for code, _name in settings.LANGUAGES}
        return self.preferred_language if self.preferred_language in available else "ru"

    def get_personal_url(self):
        with translation.override(self.site_language):
            return reverse("participants:personal_link", kwargs={"token": self.access_token})


class StatusChange(models.Model):
    """One step of a participant's history: who moved them from what to what, and when."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("participant")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["participant", "changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class ConsentKind(models.TextChoices):
    DATA_PROCESSING = "data_processing", _("Processing of my personal data")
    PHOTOGRAPHY = "photography", _("Being photographed or filmed")
    MEDIA = "media", _("Being named or quoted in the media")
    # Not asked on the form: SMS are on for whoever prefers them, until she answers "STOP" to one.
    SMS = "sms", _("Receiving text messages (SMS)")

    @classmethod
    def on_form(cls):
        return [cls.DATA_PROCESSING, cls.PHOTOGRAPHY, cls.MEDIA]


class ConsentMethod(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    PAPER = "paper", _("Paper form, entered by an organiser")
    SMS_REPLY = "sms_reply", _("Her reply to an SMS")


class Consent(models.Model):
    """One answer to one consent question, kept with the exact text it answered.

    Answers are never edited: a change of mind is a new row, so the record
    shows what the person agreed to at each moment.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="consents", verbose_name=_("participant")
    )
    kind = models.CharField(_("consent to"), max_length=20, choices=ConsentKind.choices)
    given = models.BooleanField(_("given"))
    text_version = models.CharField(_("version of the text"), max_length=20)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    method = models.CharField(_("given through"), max_length=10, choices=ConsentMethod.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["participant", "kind", "-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {_('yes') if self.given else _('no')}"


class RetiredCheckinCode(models.Model):
    """A check-in code replaced by a new one, kept so that the door can say so when it is shown.

    Only a digest is kept: the old code must check nobody in.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="retired_checkin_codes", verbose_name=_("participant")
    )
    digest = models.CharField(max_length=64, unique=True)
    retired_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("replaced check-in code")
        verbose_name_plural = _("replaced check-in codes")


class ContactField(models.TextChoices):
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")


class AddressChange(models.Model):
    """A new email address or phone number she gave on her page, waiting for the link sent to it.

    The link names only the random token, so that it stays short enough for an SMS.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="address_changes", verbose_name=_("participant")
    )
    field = models.CharField(_("kind of address"), max_length=5, choices=ContactField)
    address = models.CharField(_("new address"), max_length=254)
    token = models.CharField(max_length=43, unique=True, default=new_access_token)
    # The personal link it was asked under: a new personal link voids it.
    link_digest = models.CharField(max_length=16)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("new address to confirm")
        verbose_name_plural = _("new addresses to confirm")

    def __str__(self):
        return f"{self.get_field_display()}: {self.address}"


class BulkSendKind(models.TextChoices):
    INVITATIONS = "invitations", _("Invitations")
    NEW_LINKS = "new_links", _("New personal links")


class BulkSend(models.Model):
    """A send to many people, more than one request may take: what an organiser asked for, and how far it got.

    A task goes through `participant_ids` in order, a part at a time; `done`
    counts those gone through and the counts add up what each part came to,
    both in the part's own transaction, so that a task run twice, or started
    again after a worker died, goes on where the last part ended.
    """

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bulk_sends",
        verbose_name=_("event"),
        help_text=_("Empty when the people selected belong to several events."),
    )
    what = models.CharField(_("what is sent"), max_length=20, choices=BulkSendKind.choices)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    participant_ids = ArrayField(models.BigIntegerField(), verbose_name=_("people"))
    done = models.PositiveIntegerField(_("people gone through"), default=0)
    # When the last part was written: a send that stopped moving was lost with its worker.
    updated_at = models.DateTimeField(_("last progress"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    emailed = models.PositiveIntegerField(_("sent by email"), default=0)
    by_hand = models.PositiveIntegerField(_("to deliver by hand (no email address)"), default=0)
    already_invited = models.PositiveIntegerField(_("left out: already sent an invitation"), default=0)
    answered = models.PositiveIntegerField(_("left out: no longer at the “Invited” stage"), default=0)
    not_invited_yet = models.PositiveIntegerField(_("new link not sent: invitation not sent yet"), default=0)

    class Meta:
        verbose_name = _("send to many people")
        verbose_name_plural = _("sends to many people")
        ordering = ["-asked_at", "-pk"]

    def __str__(self):
        return f"{self.get_what_display()}, {timezone.localtime(self.asked_at):%Y-%m-%d %H:%M}"
