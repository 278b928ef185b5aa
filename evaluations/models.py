import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Event
from participants.models import AgeBand, Category, Gender, Language, Participant
from participants.validators import validate_no_markup

RATING_SCALE = range(1, 6)


class EvaluationForm(models.Model):
    """The short form an event's participants answer after it, once each, until its closing date."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="evaluation_form", verbose_name=_("event")
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown above the questions: why the organisers ask, and for how long."),
    )
    opens_at = models.DateTimeField(_("open from"))
    closes_at = models.DateTimeField(_("answers accepted until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="evaluation_closes_after_it_opens",
                violation_error_message=_("The closing date must come after the opening date."),
            )
        ]

    def __str__(self):
        return str(self.event)

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing date must come after the opening date.")})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating from 1 to 5")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Free text")


# The kinds whose answers are one or more of the question's choices.
QuestionKind.WITH_CHOICES = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


class Question(models.Model):
    form = models.ForeignKey(
        EvaluationForm, on_delete=models.CASCADE, related_name="questions", verbose_name=_("evaluation form")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["form", "order", "pk"]

    def __str__(self):
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("choice"), max_length=300)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order", "pk"]

    def __str__(self):
        return self.text


class Response(models.Model):
    """One person's answers to a form, kept without anything that leads back to her.

    Whether she answered is a separate Respondent row, written in the same
    transaction, so that she answers once while no table joins her to her
    answers: a response has a random id and only the day it came, so neither
    its order nor its time can be matched with the respondents'. What results
    are broken down by (sex, age band, category) is copied from her record
    when she answers, and stays when her personal data is erased.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form = models.ForeignKey(
        EvaluationForm, on_delete=models.CASCADE, related_name="responses", verbose_name=_("evaluation form")
    )
    submitted_on = models.DateField(_("answered on"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category")
    )

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")

    def __str__(self):
        return str(self.form)


class Respondent(models.Model):
    """That a participant has answered a form, and nothing about what she answered (see Response)."""

    form = models.ForeignKey(
        EvaluationForm, on_delete=models.CASCADE, related_name="respondents", verbose_name=_("evaluation form")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="evaluations_answered", verbose_name=_("participant")
    )

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        constraints = [
            models.UniqueConstraint(fields=["form", "participant"], name="evaluation_answered_once")
        ]

    def __str__(self):
        return str(self.participant)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers", verbose_name=_("choices"))
    text = models.TextField(_("text"), max_length=2000, blank=True, validators=[validate_no_markup])

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="evaluation_one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="evaluation_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return str(self.question)
