from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agenda.models import Event, Session
from participants.models import Language, Participant
from participants.privacy import quotable
from participants.validators import validate_no_markup


class Framework(models.Model):
    """A policy framework recommendations are sorted by, in one version.

    A new national action plan is a new Framework, never an edit of the old
    one: the recommendations of past events keep the areas they were given.
    """

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100)
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    valid_from = models.PositiveSmallIntegerField(_("in force from (year)"), null=True, blank=True)
    valid_until = models.PositiveSmallIntegerField(_("in force until (year)"), null=True, blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used by events for which the organisers have not chosen a framework.")
    )

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="framework_single_default",
                violation_error_message=_("Only one framework can be the default."),
            )
        ]

    def __str__(self):
        return self.short_name

    @classmethod
    def for_event(cls, event):
        """The framework an event's recommendations are sorted by: its own choice, or the default."""
        chosen = EventFramework.objects.filter(event=event).select_related("framework").first()
        return chosen.framework if chosen else cls.objects.filter(is_default=True).first()


class FrameworkArea(models.Model):
    """One pillar or objective of a framework: the NAP matrix's first column."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas", verbose_name=_("framework"))
    number = models.CharField(_("number"), max_length=10, help_text=_("As the plan numbers it, for example 1 or 2.3."))
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("framework area")
        verbose_name_plural = _("framework areas")
        ordering = ["framework", "order", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="framework_area_number_unique")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class EventFramework(models.Model):
    """The framework an event chose (kept here so the agenda app need not know about frameworks)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="framework_choice", verbose_name=_("event"))
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="event_choices", verbose_name=_("framework")
    )

    class Meta:
        verbose_name = _("framework of an event")
        verbose_name_plural = _("frameworks of events")

    def __str__(self):
        return f"{self.event}: {self.framework}"


class Addressee(models.Model):
    """Who a recommendation asks to act (the NAP's responsible body); organisers edit the list."""

    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True, help_text=_("Untick to stop offering it on new recommendations."))

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class TargetGroup(models.Model):
    """Whom a recommendation is for (women, youth, border communities...); organisers edit the list."""

    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True, help_text=_("Untick to stop offering it on new recommendations."))

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class SessionReport(models.Model):
    """What the facilitators wrote down about one session."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="report", verbose_name=_("session"))
    key_points = models.TextField(_("key points of the discussion"), blank=True)
    women_count = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men_count = models.PositiveIntegerField(_("men"), null=True, blank=True)
    other_count = models.PositiveIntegerField(_("other or not said"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session report")
        verbose_name_plural = _("session reports")
        ordering = ["session__event", "session__starts_at", "pk"]

    def __str__(self):
        return str(self.session)

    @property
    def participant_count(self):
        counts = [self.women_count, self.men_count, self.other_count]
        return None if all(count is None for count in counts) else sum(count or 0 for count in counts)


def quotable_participants(event):
    """The people of an event who may be quoted, as the privacy policy decides."""
    return quotable(Participant.objects.filter(event=event)).order_by("full_name", "pk")


class QuoteQuerySet(models.QuerySet):
    def publishable(self):
        """Quotes whose speaker may be quoted now: a withdrawal or an at-risk mark takes a quote out of every document."""
        return self.filter(participant__in=quotable(Participant.objects.all()))


class Quote(models.Model):
    """Something a participant said that the report repeats in her words, with her consent."""

    report = models.ForeignKey(SessionReport, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("report"))
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("who said it")
    )
    text = models.TextField(_("quote"), max_length=2000)
    language = models.CharField(_("language it was said in"), max_length=2, choices=Language.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("written down by")
    )

    objects = QuoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["report", "created_at", "pk"]

    def __str__(self):
        return f"{self.participant}: {self.text[:60]}"

    def clean(self):
        if self.participant_id is None or self.report_id is None:
            return
        if not quotable_participants(self.report.session.event_id).filter(pk=self.participant_id).exists():
            raise ValidationError(
                {"participant": _("Only people of this event who agreed to be quoted can be quoted.")}
            )


class GeographicScope(models.TextChoices):
    NATIONAL = "national", _("National")
    OBLAST = "oblast", _("Oblast")
    DISTRICT = "district", _("District or town")
    VILLAGE = "village", _("Village (aiyl aimak)")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Timeframe(models.TextChoices):
    SIX_MONTHS = "six_months", _("Within six months")
    ONE_YEAR = "one_year", _("Within a year")
    PLAN_PERIOD = "plan_period", _("Within the plan's period")
    ONGOING = "ongoing", _("Ongoing")


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MERGED = "merged", _("Merged into another")
    NOT_RETAINED = "not_retained", _("Not retained")


class RecommendationQuerySet(models.QuerySet):
    def for_event(self, event):
        return self.filter(session__event=event)


class Recommendation(models.Model):
    """A recommendation shaped like a row of the NAP matrix, so that it can go into the plan as it is."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("session it came from")
    )
    text = models.TextField(_("recommendation"), help_text=_("As it was said, in the language it was said in."))
    language = models.CharField(_("language it was said in"), max_length=2, choices=Language.choices)
    translation_en = models.TextField(_("in English"), blank=True)
    translation_ru = models.TextField(_("in Russian"), blank=True)
    translation_ky = models.TextField(_("in Kyrgyz"), blank=True)
    measure = models.TextField(_("measure"), blank=True, help_text=_("What should be done."))
    indicator = models.TextField(_("indicator"), blank=True, help_text=_("How one will know it was done."))
    framework_area = models.ForeignKey(
        FrameworkArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("framework area"),
    )
    geographic_scope = models.CharField(
        _("geographic scope"), max_length=10, choices=GeographicScope.choices, default=GeographicScope.NATIONAL
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Which oblast, district or village, if not national.")
    )
    addressees = models.ManyToManyField(
        Addressee, blank=True, related_name="recommendations", verbose_name=_("addressed to")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="recommendations", verbose_name=_("target groups")
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    timeframe = models.CharField(_("timeframe"), max_length=15, choices=Timeframe.choices, blank=True)

    status = models.CharField(
        _("status"), max_length=15, choices=RecommendationStatus.choices, default=RecommendationStatus.DRAFT
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    not_retained_reason = models.TextField(_("why it was not retained"), blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("written by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("submitted by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reviewed by")
    )

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[addressees, target_groups])

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["session__event", "session__track__order", "framework_area__order", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RecommendationStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=RecommendationStatus.MERGED) & Q(merged_into__isnull=True)),
                name="recommendation_merged_has_target",
                violation_error_message=_("A merged recommendation points to the one it was merged into, and only it does."),
            ),
            models.CheckConstraint(
                condition=~Q(status=RecommendationStatus.NOT_RETAINED) | ~Q(not_retained_reason=""),
                name="recommendation_not_retained_has_reason",
                violation_error_message=_("Say why the recommendation is not retained."),
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    @property
    def event(self):
        return self.session.event

    def text_in(self, language):
        """The recommendation in a language: the original if it was said in it, else its translation, else the original."""
        if language == self.language:
            return self.text
        return getattr(self, f"translation_{language}", "") or self.text

    def clean(self):
        if self.language and getattr(self, f"translation_{self.language}", ""):
            raise ValidationError(
                {f"translation_{self.language}": _("This is the language it was said in: the text above is the original.")}
            )


class FormDraft(models.Model):
    """What a person typed into a form and has not saved yet, kept as it was typed.

    Kept apart from the record itself because half-typed input need not be
    valid (a count typed as "1o", an empty required field), and a dropped
    connection must lose none of it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(_("form"), max_length=100)
    data = models.JSONField(_("typed values"))
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("unsaved form")
        verbose_name_plural = _("unsaved forms")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="form_draft_unique_per_user")]

    def __str__(self):
        return self.key


class OutcomeFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word (DOCX, editable)")
    CSV = "csv", _("CSV table")
    XLSX = "xlsx", _("Excel table (XLSX)")


class OutcomeStatus(models.TextChoices):
    QUEUED = "queued", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be prepared")


def outcome_upload_to(document, filename):
    return f"outcome-documents/{document.event_id}/{filename}"


class OutcomeDocument(models.Model):
    """One generated outcome document: an event's accepted recommendations in one language and format.

    The file is served only to organisers (never from MEDIA_URL): it may hold
    recommendations the organisers have not published yet.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="outcome_documents", verbose_name=_("event"))
    language = models.CharField(_("language"), max_length=7, choices=settings.LANGUAGES)
    format = models.CharField(_("format"), max_length=4, choices=OutcomeFormat.choices)
    status = models.CharField(_("status"), max_length=10, choices=OutcomeStatus.choices, default=OutcomeStatus.QUEUED)
    file = models.FileField(_("file"), upload_to=outcome_upload_to, max_length=300, blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    version = models.PositiveSmallIntegerField(
        _("version"), null=True, blank=True, help_text=_("The published version it shows; empty for the version in preparation.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} ({self.get_language_display()}, {self.get_format_display()})"


@receiver(post_delete, sender=OutcomeDocument)
def remove_outcome_file(sender, instance, **kwargs):
    # A deleted document must not stay on the disk: it may hold unpublished recommendations.
    if instance.file:
        instance.file.delete(save=False)


class OutcomePublication(models.Model):
    """Where an event's outcome stands with its participants: draft shown to them, comments closed, final public.

    Its own row rather than fields on EventFramework: that one records a
    choice of framework, this one a sequence of publishing steps.
    """

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="outcome_publication", verbose_name=_("event"))
    draft_published_at = models.DateTimeField(_("draft shown to participants at"), null=True, blank=True)
    comments_close_at = models.DateTimeField(_("participants can respond until"), null=True, blank=True)
    final_published_at = models.DateTimeField(_("final version published at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last changed by")
    )

    class Meta:
        verbose_name = _("outcome publication")
        verbose_name_plural = _("outcome publications")

    def __str__(self):
        return str(self.event)

    def is_open(self, now=None):
        """Participants may respond: the draft is out, the closing date not passed, the final version not out."""
        return bool(
            self.draft_published_at
            and not self.final_published_at
            and self.comments_close_at
            and (now or timezone.now()) < self.comments_close_at
        )


class OutcomeVersion(models.Model):
    """One published final outcome of an event, kept as it was published: what its public page and documents show.

    Kept as the gathered content of each language rather than read again from
    the recommendations, so that later edits cannot change what was published.
    No name and no quote is kept: quotes are referred to by their id and
    checked against the privacy policy each time they are shown, so that a
    withdrawn consent, an at-risk mark or an erasure reaches every version.
    """

    publication = models.ForeignKey(
        OutcomePublication, on_delete=models.CASCADE, related_name="versions", verbose_name=_("outcome publication")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("published content"), help_text=_("What the outcome said, in each language."))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )
    # Set when an organiser starts the next version: the event's reports and
    # recommendations can change again, while this version stays public.
    next_version_started_at = models.DateTimeField(_("next version started at"), null=True, blank=True)
    next_version_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next version started by"),
    )

    class Meta:
        verbose_name = _("published outcome version")
        verbose_name_plural = _("published outcome versions")
        ordering = ["publication", "-number"]
        constraints = [models.UniqueConstraint(fields=["publication", "number"], name="outcome_version_number_unique")]

    def __str__(self):
        return _("%(event)s, version %(number)s") % {"event": self.publication.event, "number": self.number}


class Endorsement(models.Model):
    """A participant's answer to one recommendation of the draft outcome: agree or not, and why."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("recommendation")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("participant")
    )
    endorses = models.BooleanField(_("agrees"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True, validators=[validate_no_markup])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["recommendation", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "participant"], name="endorsement_one_per_participant")
        ]

    def __str__(self):
        return f"{self.participant}: {self.recommendation}"


# Follow-up of accepted recommendations, once the final outcome is published: where each one stands in the
# National Action Plan process. Kyrgyz action plans report every half year, so an update is due six months after
# the last one (or after the outcome was first published, for a recommendation with no update yet).
FOLLOW_UP_INTERVAL = relativedelta(months=6)


class FollowUpStatus(models.Model):
    """A step of a recommendation's way into the plan and into practice; organisers edit the list."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("How far along a recommendation at this status is, for the progress summary."),
    )
    is_final = models.BooleanField(
        _("final"), default=False, help_text=_("No further update is due for a recommendation at this status.")
    )
    needs_body = models.BooleanField(_("needs a responsible body"), default=False)
    needs_evidence = models.BooleanField(_("needs evidence"), default=False, help_text=_("A link or a document."))
    needs_reason = models.BooleanField(_("needs a reason"), default=False, help_text=_("Say why, in the note."))
    is_active = models.BooleanField(_("offered"), default=True, help_text=_("Untick to stop offering it on new updates."))

    class Meta:
        verbose_name = _("follow-up status")
        verbose_name_plural = _("follow-up statuses")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


def evidence_upload_to(update, filename):
    return f"follow-up-evidence/{update.recommendation_id}/{filename}"


class FollowUpUpdate(models.Model):
    """One step in a recommendation's follow-up: its status from a date, who is responsible, and the evidence.

    Never edited: a correction is a new update, so the history stays as it was reported.
    The responsible body is an Addressee: the same list of the plan's responsible bodies the recommendations are
    addressed to, kept once in three languages.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="follow_up_updates", verbose_name=_("recommendation")
    )
    status = models.ForeignKey(FollowUpStatus, on_delete=models.PROTECT, related_name="+", verbose_name=_("status"))
    date = models.DateField(_("date"), default=timezone.localdate, help_text=_("When the status changed."))
    body = models.ForeignKey(
        Addressee, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("responsible body")
    )
    evidence_url = models.URLField(_("evidence (link)"), max_length=500, blank=True)
    evidence_file = models.FileField(_("evidence (document)"), upload_to=evidence_upload_to, max_length=300, blank=True)
    note = models.TextField(
        _("note"), blank=True, validators=[validate_no_markup], help_text=_("Shown on the public follow-up page: name nobody.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up update")
        verbose_name_plural = _("follow-up updates")
        ordering = ["recommendation", "-date", "-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.status} ({self.date})"


class FollowUpReminder(models.Model):
    """The organisers were reminded that this recommendation's update is due on this date: once, never again."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="+", verbose_name=_("recommendation")
    )
    due_on = models.DateField(_("update due on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "due_on"], name="follow_up_reminder_once_per_due_date")
        ]

    def __str__(self):
        return f"{self.recommendation} ({self.due_on})"


class RecommendationFollowUp(Recommendation):
    """The accepted recommendations as the admin's "Follow-up due" list shows them."""

    class Meta:
        proxy = True
        verbose_name = _("follow-up of a recommendation")
        verbose_name_plural = _("follow-up due")
