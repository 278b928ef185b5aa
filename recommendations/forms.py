from functools import partial

from django import forms
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from participants.models import Language
from participants.validators import ControlCharactersRefused, validate_no_markup

from . import follow_up, services
from .models import (
    Addressee,
    FollowUpStatus,
    FollowUpUpdate,
    Framework,
    FrameworkArea,
    Quote,
    Recommendation,
    SessionReport,
    TargetGroup,
    quotable_participants,
)


def typed_values(post):
    """A form's submitted values as JSON can keep them: every value of every field, the CSRF token left out."""
    return {name: post.getlist(name) for name in post if name != "csrfmiddlewaretoken"}


def initial_from_typed(form_class, typed, **form_kwargs):
    """The values a person typed, as a form's initial values, so a restored draft shows them without error messages."""
    data = QueryDict(mutable=True)
    for name, values in typed.items():
        data.setlist(name, values)
    form = form_class(**form_kwargs)
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
        if form.add_prefix(name) in data
    }


class CountInput(forms.NumberInput):
    def __init__(self):
        super().__init__(attrs={"min": 0, "inputmode": "numeric"})


class ReportForm(ControlCharactersRefused, forms.ModelForm):
    class Meta:
        model = SessionReport
        fields = ["key_points", "women_count", "men_count", "other_count"]
        widgets = {
            "key_points": forms.Textarea(attrs={"rows": 8}),
            "women_count": CountInput(),
            "men_count": CountInput(),
            "other_count": CountInput(),
        }


class QuoteForm(ControlCharactersRefused, forms.ModelForm):
    class Meta:
        model = Quote
        fields = ["participant", "language", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people who said yes to being quoted are offered, and only they are accepted.
        self.fields["participant"].queryset = quotable_participants(session.event_id)
        self.fields["participant"].help_text = _("Only the people who agreed to be quoted are listed.")
        # A new record's blank language would otherwise override the field's initial value.
        self.initial["language"] = self.initial.get("language") or translation.get_language()


def _offered(model, instance, field):
    """The active choices, and those the recommendation already has even if no longer offered."""
    queryset = model.objects.filter(is_active=True)
    if instance.pk:
        queryset = queryset | model.objects.filter(pk__in=getattr(instance, field).values("pk"))
    return queryset.distinct()


class RecommendationForm(ControlCharactersRefused, forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = [
            "text",
            "language",
            "measure",
            "indicator",
            "framework_area",
            "addressees",
            "geographic_scope",
            "place",
            "target_groups",
            "priority",
            "timeframe",
            "translation_en",
            "translation_ru",
            "translation_ky",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "measure": forms.Textarea(attrs={"rows": 2}),
            "indicator": forms.Textarea(attrs={"rows": 2}),
            "framework_area": forms.RadioSelect,
            "addressees": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "translation_en": forms.Textarea(attrs={"rows": 3}),
            "translation_ru": forms.Textarea(attrs={"rows": 3}),
            "translation_ky": forms.Textarea(attrs={"rows": 3}),
        }

    translation_fields = ("translation_en", "translation_ru", "translation_ky")

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        framework = Framework.for_event(session.event)
        self.fields["framework_area"].queryset = (
            FrameworkArea.objects.filter(framework=framework) if framework else FrameworkArea.objects.none()
        )
        self.fields["framework_area"].empty_label = _("Not decided yet")
        self.fields["addressees"].queryset = _offered(Addressee, self.instance, "addressees")
        self.fields["target_groups"].queryset = _offered(TargetGroup, self.instance, "target_groups")
        self.fields["timeframe"].choices = [("", _("Not said"))] + self.fields["timeframe"].choices[1:]
        self.initial["language"] = self.initial.get("language") or translation.get_language()
        self.fields["language"].choices = Language.choices

    def main_fields(self):
        return [field for field in self if field.name not in self.translation_fields]

    def translation_bound_fields(self):
        return [self[name] for name in self.translation_fields]


class EndorsementForm(ControlCharactersRefused, forms.Form):
    """A participant's answer to one recommendation of the draft outcome, one of the page's answers sent together.

    Left blank, it answers nothing: she may answer some recommendations now and the rest later.
    """

    endorses = forms.TypedChoiceField(
        label=_("Do you agree with this recommendation?"),
        choices=[("yes", _("I agree")), ("no", _("I do not agree"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        validators=[validate_no_markup],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, endorsement=None, **kwargs):
        if endorsement is not None:
            kwargs.setdefault("initial", {"endorses": "yes" if endorsement.endorses else "no", "comment": endorsement.comment})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("comment") and cleaned_data.get("endorses") is None and not self.has_error("endorses"):
            self.add_error("endorses", _("Please say whether you agree: your comment goes with your answer."))
        return cleaned_data

    def answer(self):
        """(endorses, comment), or None when she answered nothing here."""
        if self.cleaned_data.get("endorses") is None:
            return None
        return self.cleaned_data["endorses"], self.cleaned_data["comment"]


class FollowUpFilterForm(forms.Form):
    """The public tracker's filters; a value that is not offered is ignored rather than refused."""

    event = forms.ChoiceField(label=_("Event"), required=False)
    area = forms.ChoiceField(label=_("Framework area"), required=False)
    body = forms.TypedChoiceField(label=_("Responsible body"), required=False, coerce=int, empty_value=None)
    status = forms.TypedChoiceField(label=_("Status"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, tracker, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        areas, bodies, statuses = follow_up.filter_choices(tracker)
        every = [("", _("All"))]
        self.fields["area"].choices = every + [(area, area) for area in areas]
        self.fields["body"].choices = every + bodies
        self.fields["status"].choices = every + statuses
        if events is None:
            del self.fields["event"]
        else:
            self.fields["event"].choices = every + [(event.slug, event.title) for event in events]

    def filters(self):
        self.is_valid()  # Only the valid values stay in cleaned_data.
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class FollowUpUpdateForm(forms.ModelForm):
    """An update recorded in the admin, checked by the same rules as the service that records it."""

    class Meta:
        model = FollowUpUpdate
        fields = ("date", "status", "body", "evidence_url", "evidence_file", "note")
        field_classes = {"evidence_url": partial(forms.URLField, assume_scheme="https")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:  # Absent from the updates already recorded, shown read-only.
            self.fields["status"].queryset = FollowUpStatus.objects.filter(is_active=True)
            self.fields["body"].queryset = Addressee.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("status") and self.instance.recommendation_id:
            services.check_follow_up(
                self.instance.recommendation,
                status=data["status"],
                date=data.get("date"),
                body=data.get("body"),
                evidence_url=data.get("evidence_url", ""),
                evidence_file=data.get("evidence_file"),
                note=data.get("note", ""),
            )
        return data
