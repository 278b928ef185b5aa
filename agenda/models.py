from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    @property
    def partner_organisation_list(self):
        return [line.strip() for line in self.partner_organisations.splitlines() if line.strip()]

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
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hexadecimal digits."))
        ],
        help_text=_("Shown beside the track on the event page and the agenda, for example #1f6f8b."),
    )

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["event", "order", "pk"]

    def __str__(self):
        return self.title
