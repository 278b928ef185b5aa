import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.utils import build_localized_fieldname

from dialogue_event.roles import FACILITATORS

from .validators import validate_accent_colour, validate_hex_colour, validate_logo_file


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        """Events that have not ended yet, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        """Events that have ended, most recent first."""
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")


class RegistrationState(models.TextChoices):
    NOT_OPEN_YET = "not_open_yet", _("Registration has not opened yet")
    OPEN = "open", _("Registration is open")
    INVITATION_ONLY = "invitation_only", _("By invitation only")
    CLOSED = "closed", _("Registration is closed")
    ENDED = "ended", _("The event has ended")


class Event(models.Model):
    """A dialogue: one day (or a few) of discussion that ends in recommendations.

    The texts a participant reads (title, theme, purpose...) are stored once per
    language by django-modeltranslation (see translation.py).
    """

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address on the site"),
        max_length=80,
        unique=True,
        help_text=_("The readable part of the event's web address, for example osh-dialogue-2021."),
    )
    theme = models.CharField(_("theme"), max_length=500, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    audience = models.TextField(
        _("who will attend"),
        blank=True,
        help_text=_("The groups of people invited, as the announcement describes them."),
    )
    expected_results = models.TextField(_("expected results"), blank=True)

    city = models.CharField(_("city"), max_length=100)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    host_organisation = models.CharField(_("host organisation"), max_length=200, blank=True)
    partner_organisations = models.TextField(
        _("partner organisations"), blank=True, help_text=_("One organisation per line.")
    )
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    funded_project = models.CharField(_("funded project"), max_length=300, blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[validate_accent_colour],
        help_text=_(
            "The event's own colour, for the band at the top of its pages, emails and documents and for its "
            "buttons, for example #1f5f8b. White text must be readable on it. Leave empty for the site's blue."
        ),
    )

    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1)],
        help_text=_("How many participants the venue holds. Further registrations go on the waiting list."),
    )
    open_registration = models.BooleanField(
        _("open registration"),
        default=False,
        help_text=_("Anyone may register through the public form, besides the people invited."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published events have a public page.")
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_it_opens",
                violation_error_message=_("Registration must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_at_least_one",
                violation_error_message=_("The capacity must be at least one person."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agenda:event_detail", kwargs={"slug": self.slug})

    def dates_display(self):
        """Its day, or its first and last days, as the active language writes dates ("3 June 2021")."""
        starts, ends = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        first = date_format(starts, "DATE_FORMAT")
        return first if ends.date() == starts.date() else f"{first} – {date_format(ends, 'DATE_FORMAT')}"

    def registration_closes_display(self):
        """When registration closes, its date and time ("20 January 2027, 18:00"): a closing date alone leaves
        a participant guessing whether the last day still counts."""
        if not self.registration_closes_at:
            return ""
        closes = timezone.localtime(self.registration_closes_at)
        return f"{date_format(closes, 'DATE_FORMAT')}, {time_format(closes, 'TIME_FORMAT')}"

    @property
    def partner_organisation_list(self):
        return [line.strip() for line in self.partner_organisations.splitlines() if line.strip()]

    # Read through logos.all(), so that an event fetched with its logos (the
    # event page's, the registration form's kept copy) asks nothing more.
    @property
    def host_logo(self):
        return next((logo for logo in self.logos.all() if logo.role == LogoRole.HOST), None)

    @property
    def supporter_logos(self):
        """The partners' and funders' logos, in their order."""
        return [logo for logo in self.logos.all() if logo.role != LogoRole.HOST]

    @cached_property
    def has_tracks(self):
        # Kept with the instance: the registration form asks on every
        # submission, of a copy of the event each process keeps for a minute.
        return self.tracks.exists()

    def has_ended(self, now=None):
        return self.ends_at < (now or timezone.now())

    def registration_state(self, now=None):
        """Where the event stands for someone who wants to take part."""
        now = now or timezone.now()
        if self.has_ended(now):
            return RegistrationState.ENDED
        if self.registration_opens_at and now < self.registration_opens_at:
            return RegistrationState.NOT_OPEN_YET
        if (self.registration_closes_at and now >= self.registration_closes_at) or now >= self.starts_at:
            return RegistrationState.CLOSED
        if not self.open_registration:
            return RegistrationState.INVITATION_ONLY
        return RegistrationState.OPEN


class Track(models.Model):
    """One of an event's parallel discussion tracks, such as the Osh dialogue's three."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("short description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f6f8b",
        validators=[validate_hex_colour],
        help_text=_("Shown beside the track on the event page and the agenda, for example #1f6f8b."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many participants can choose this track. Leave empty for no limit."),
    )

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["event", "order", "pk"]

    def __str__(self):
        return self.title

    def is_full(self, taken):
        """Whether `taken` participants fill all of the track's places."""
        return self.capacity is not None and taken >= self.capacity


class LogoRole(models.TextChoices):
    HOST = "host", pgettext_lazy("logo role", "Host")
    PARTNER = "partner", pgettext_lazy("logo role", "Partner")
    FUNDER = "funder", pgettext_lazy("logo role", "Funder")


def logo_path(logo, filename):
    # A new name for every upload, so that a browser or a proxy that kept a
    # logo for long never shows the one it replaced; the uploader's own name
    # (Cyrillic, spaces) is of no use to anybody.
    extension = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"event-logos/{logo.event_id}/{uuid.uuid4().hex}{extension}"


class EventLogo(models.Model):
    """An organisation's logo, shown on the event's pages and documents (the host's in the header)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="logos", verbose_name=_("event"))
    role = models.CharField(_("role"), max_length=10, choices=LogoRole.choices, default=LogoRole.PARTNER)
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        help_text=_("Read aloud to people who cannot see the logo, so write it as the organisation writes it."),
    )
    image = models.FileField(
        _("logo"),
        upload_to=logo_path,
        validators=[validate_logo_file],
        help_text=_("A PNG or JPEG picture of at most 1 MB, ideally about 300 pixels wide."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")
        ordering = ["event", "order", "pk"]

    def __str__(self):
        return self.organisation


def interpretation_language_choices():
    # The languages participants ask interpretation into, so that a facilitator
    # can see whose need a session does not cover. Imported late because
    # participants' models depend on this module.
    from participants.models import Language

    return Language.choices


# A room is known by its name in the site's default language (English), as
# organisers type it on every session held there; the other languages only
# change how it reads. The double-booking guards compare this column alone,
# so the language an organiser works in cannot hide a clash.
ROOM_KEY_FIELD = build_localized_fieldname("room", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
ROOM_FIELDS = [build_localized_fieldname("room", code) for code, _name in settings.LANGUAGES]


def room_identity(name):
    """A room's default-language name as the guards compare it: case and surrounding spaces do not count."""
    return (name or "").strip().lower()


def distinct_room_names(rooms):
    """The names as read of `rooms`, pairs of (default-language name, name as read), each room once, in order.

    Two sessions in one room may carry different translations of its name; the room is still named once.
    """
    names = {}
    for key, name in rooms:
        if name:
            names.setdefault(room_identity(key) or name, name)
    return list(names.values())


class TsTzRange(models.Func):
    """PostgreSQL's tstzrange(starts_at, ends_at), for the room-overlap exclusion constraint."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class SessionQuerySet(models.QuerySet):
    def overlapping(self, starts_at, ends_at):
        """Sessions that share at least a minute with [starts_at, ends_at): back-to-back is no overlap."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def upcoming_first(self, now=None):
        """Sessions still to come, soonest first, then past ones, most recent first."""
        now = now or timezone.now()
        is_past = Q(ends_at__lt=now)
        return self.annotate(
            is_past=models.Case(models.When(is_past, then=True), default=False),
            upcoming_start=models.Case(models.When(~is_past, then=F("starts_at"))),
            past_start=models.Case(models.When(is_past, then=F("starts_at"))),
        ).order_by("is_past", F("upcoming_start").asc(nulls_last=True), F("past_start").desc(nulls_last=True), "pk")


class Session(models.Model):
    """One block of the programme: a track's discussion, a plenary for everybody, or a break.

    A session without a track is for everybody (the opening, the plenary where
    each track presents its results, the closing, lunch).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    track = models.ForeignKey(
        Track,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("track"),
        help_text=_("Leave empty for a plenary session or a break, which everybody attends."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_break = models.BooleanField(
        _("break"), default=False, help_text=_("A meal or a coffee break: shown in the agenda, with no discussion.")
    )
    room = models.CharField(
        _("room"),
        max_length=100,
        blank=True,
        help_text=_(
            "As written on the door, for example “Main hall”. Sessions whose English room names are the same"
            " are in the same room."
        ),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many people the room holds."),
    )
    interpretation_languages = ArrayField(
        models.CharField(max_length=2, choices=interpretation_language_choices),
        verbose_name=_("interpretation into"),
        default=list,
        blank=True,
        help_text=_("The languages interpreters provide in this session."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_sessions",
        limit_choices_to={"groups__name": FACILITATORS},
        verbose_name=_("facilitators"),
    )
    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_sessions",
        limit_choices_to={"groups__name": FACILITATORS},
        verbose_name=_("rapporteur"),
        help_text=_("Who writes down the session's conclusions and presents them at the plenary."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["event", "starts_at", "track__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message=_("The session must end after it starts."),
            ),
            # The database's own guard against two sessions in one room at once,
            # for writes that bypass the forms (two organisers saving together).
            ExclusionConstraint(
                name="session_room_not_double_booked",
                expressions=[
                    ("event", RangeOperators.EQUAL),
                    (Lower(ROOM_KEY_FIELD), RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=~Q(**{ROOM_KEY_FIELD: ""}),
                violation_error_message=_("Another session uses this room at the same time."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agenda:session_detail", kwargs={"slug": self.event.slug, "pk": self.pk})

    @property
    def is_plenary(self):
        return self.track_id is None and not self.is_break

    def get_interpretation_languages_display(self):
        names = dict(interpretation_language_choices())
        return [names.get(code, code) for code in self.interpretation_languages]

    @property
    def room_key(self):
        """What tells this session's room from the others, whatever language one reads or types it in."""
        return room_identity(getattr(self, ROOM_KEY_FIELD))

    def room_clashes(self):
        """The other saved sessions of the event in this room at an overlapping time."""
        if not self.room_key or self.event_id is None or not (self.starts_at and self.ends_at):
            return Session.objects.none()
        # Named explicitly: modeltranslation rewrites a lookup on `room` to the
        # active language's column, which may be empty or differ between sessions.
        return (
            Session.objects.filter(event_id=self.event_id, **{f"{ROOM_KEY_FIELD}__iexact": self.room_key})
            .overlapping(self.starts_at, self.ends_at)
            .exclude(pk=self.pk)
        )

    def clean(self):
        # Each language's column, not `self.room`: assigning that would copy the
        # name read through the fallbacks into the active language's column.
        for field in ROOM_FIELDS:
            setattr(self, field, (getattr(self, field) or "").strip())
        if not (self.starts_at and self.ends_at):
            return  # The missing field has its own error.
        errors = {}
        if self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        # On a new event's admin page the inline sessions hold the event unsaved.
        event = self._state.fields_cache.get("event") or Event.objects.filter(pk=self.event_id).first()
        if event is not None and event.starts_at and event.ends_at:
            if self.starts_at < event.starts_at or self.ends_at > event.ends_at:
                errors.setdefault("starts_at", []).append(
                    _("The session must take place during the event (%(start)s – %(end)s).")
                    % {"start": format_local(event.starts_at), "end": format_local(event.ends_at)}
                )
        if self.track_id is not None and self.event_id is not None and self.track.event_id != self.event_id:
            errors["track"] = _("Choose one of this event's tracks.")
        elif self.track_id is not None and self.is_break:
            errors["track"] = _("A break is for everybody: leave the track empty.")
        if not self.room_key and any(getattr(self, field) for field in ROOM_FIELDS):
            errors[ROOM_KEY_FIELD] = _(
                "Name the room in English too: sessions in the same room are recognised by its English name."
            )
        clash = self.room_clashes().first()
        if clash is not None:
            errors[ROOM_KEY_FIELD] = room_clash_message(self.room, clash)
        if errors:
            raise ValidationError(errors)


def format_local(moment):
    """A date and time as organisers read it, in the event's time zone."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def format_time_range(session):
    return "%s–%s" % (
        time_format(timezone.localtime(session.starts_at), "TIME_FORMAT"),
        time_format(timezone.localtime(session.ends_at), "TIME_FORMAT"),
    )


def room_clash_message(room, other):
    return _("%(room)s is already taken at this time by “%(session)s” (%(time)s).") % {
        "room": room,
        "session": other.title,
        "time": format_time_range(other),
    }
