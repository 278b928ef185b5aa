import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import ConsentKind, District, Participant, Region, Status
from .services import current_consents
from .validators import ControlCharactersRefused, normalise_phone, validate_no_markup, validate_person_name

CONSENT_TEXTS = {
    ConsentKind.DATA_PROCESSING: _(
        "I agree that the organisers keep and use the details I give here to organise this dialogue and to report "
        "on it in numbers (for example, how many women took part). They are not given to anyone else. I may ask "
        "to see, correct or delete them at any time."
    ),
    ConsentKind.PHOTOGRAPHY: _(
        "I agree to be photographed or filmed at the event, for the organisers' reports and their website. "
        "Saying no changes nothing else, and I may withdraw at any time."
    ),
    ConsentKind.MEDIA: _(
        "I agree that my name and what I say may be quoted in the media and in publications about the event. "
        "Saying no changes nothing else, and I may withdraw at any time."
    ),
}

DETAIL_FIELDS = [
    "full_name",
    "badge_name",
    "gender",
    "age_band",
    "category",
    "organisation",
    "position",
    "district",
    "village",
    "track",
    "phone",
    "email",
    "preferred_channel",
    "preferred_language",
    "interpretation_language",
    "accessibility_needs",
    "dietary_needs",
    "childcare_needed",
    "children_ages",
    "travel_support_needed",
    "departure_place",
    "accommodation_nights",
    "visibility",
]


def district_choices():
    """Districts grouped under their region, for a select that needs no JavaScript."""
    groups = []
    districts = District.objects.select_related("region").order_by("region__order", "region__name", "order", "name")
    by_region = {}
    for district in districts:
        by_region.setdefault(district.region, []).append((district.pk, district.name))
    for region in Region.objects.order_by("order", "name"):
        if region in by_region:
            groups.append((region.name, by_region[region]))
    return [("", "---------"), *groups]


class ContactFieldsMixin:
    """A phone number in one form (+996 …) and an email address in lower case, as the database compares them."""

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ParticipantDetailsForm(ControlCharactersRefused, ContactFieldsMixin, forms.ModelForm):
    """What a person tells us about themselves: the public form, the invitation and the personal page."""

    consent_data_processing = forms.BooleanField(label=CONSENT_TEXTS[ConsentKind.DATA_PROCESSING], required=True)
    consent_photography = forms.BooleanField(label=CONSENT_TEXTS[ConsentKind.PHOTOGRAPHY], required=False)
    consent_media = forms.BooleanField(label=CONSENT_TEXTS[ConsentKind.MEDIA], required=False)

    submit_label = _("Register")

    class Meta:
        model = Participant
        fields = DETAIL_FIELDS
        widgets = {
            "accessibility_needs": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "accommodation_nights": forms.NumberInput(attrs={"min": 0, "max": 30}),
        }
        help_texts = {
            "phone": _("The number we can reach you on, for example 0555 123 456."),
            "email": _("If you have one. Give a phone number or an email address, or both."),
            "full_name": _("As you write it."),
            "children_ages": _("If you bring children and need childcare: their ages."),
            "departure_place": _("If you need help with travel: the town or village you travel from."),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        categories = event.categories.all()
        if self.instance.pk is None or not self.instance.category_id or self.instance.category.open_to_public:
            categories = categories.filter(open_to_public=True)
        self.fields["category"].queryset = categories
        self.fields["category"].required = True
        # A callable: the list is built only when the form is drawn, not for
        # validating a submission (ModelChoiceField checks its queryset).
        self.fields["district"].choices = district_choices
        self._offer_tracks(event)
        self.fields["full_name"].validators.append(validate_person_name)
        self.fields["badge_name"].validators.append(validate_person_name)
        self.fields["accommodation_nights"].validators += Participant._meta.get_field("accommodation_nights").validators
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name not in ("email", "phone", "submission_key"):
                field.validators.append(validate_no_markup)
        if self.instance.pk:
            answers = current_consents(self.instance)
            for kind in ConsentKind.on_form():
                self.fields[f"consent_{kind}"].initial = answers.get(kind, False)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("About you"),
                "full_name", "badge_name", "gender", "age_band", "category", "organisation", "position",
            ),
            Fieldset(_("Where you come from"), "district", "village"),
            Fieldset(_("How to reach you"), "phone", "email", "preferred_channel", "preferred_language"),
            *([Fieldset(_("Your discussion track"), "track")] if "track" in self.fields else []),
            Fieldset(
                _("What you need to take part"),
                "interpretation_language", "accessibility_needs", "dietary_needs", "childcare_needed",
                "children_ages", "travel_support_needed", "departure_place", "accommodation_nights",
            ),
            Fieldset(
                _("Your privacy"),
                "visibility", "consent_data_processing", "consent_photography", "consent_media",
            ),
            Submit("submit", self.submit_label, css_class="btn-lg w-100"),
        )  # fmt: skip

    def _post_clean(self):
        # No model validation, as Django's own UserCreationForm overrides this
        # for its own: the fields above check everything a person types (the
        # model's one validator of its own included, see __init__), clean()
        # asks for a phone or an email, and the services decide what only the
        # database can. The model's validation would look the chosen category
        # and district up a second time and build a query for each constraint,
        # on every registration. The instance is left as it was given.
        pass

    def _offer_tracks(self, event):
        if not event.has_tracks:
            del self.fields["track"]
            return
        field = self.fields["track"]
        field.queryset = event.tracks.annotate(
            taken=Count("participants", filter=Q(participants__status__in=Status.SEAT_HOLDING))
        ).order_by("order", "pk")
        field.empty_label = _("Not decided yet")
        field.help_text = _("You can change it later through your personal link.")
        field.label_from_instance = self._track_label

    def _track_label(self, track):
        if track.is_full(track.taken) and track.pk != self.instance.track_id:
            return _("%(track)s (full)") % {"track": track.title}
        return track.title

    def clean_track(self):
        track = self.cleaned_data["track"]
        # Checked again, under a lock, when the registration is saved.
        if track is not None and track.pk != self.instance.track_id and track.is_full(track.taken):
            raise forms.ValidationError(_("This track is full. Please choose another one."))
        return track

    def clean(self):
        cleaned_data = super().clean()
        email, phone = cleaned_data.get("email"), cleaned_data.get("phone")
        if not phone and not email and not self.has_error("phone") and not self.has_error("email"):
            self.add_error("phone", _("Give a phone number or an email address, so that we can reach you."))
        # Whether an address is somebody else's is never checked here: on
        # every page the services deal with it without telling the person at
        # the form (see services.register and services.request_address_change).
        return cleaned_data

    def details(self):
        # An event without tracks asks for none.
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS if name in self.fields}

    def consents(self):
        return {kind: self.cleaned_data[f"consent_{kind}"] for kind in ConsentKind.on_form()}


class PublicRegistrationForm(ParticipantDetailsForm):
    # A fresh key with every blank form: the same form sent twice (a double
    # tap on a slow connection) is one registration.
    submission_key = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The template draws the form tag and the per-visitor fields (CSRF
        # token, submission key) itself: the view fills them in on a page it
        # shares between visitors.
        self.helper.form_tag = False

    def clean_submission_key(self):
        # A mangled key only costs the double-submit protection, never the registration.
        try:
            return uuid.UUID(self.cleaned_data["submission_key"])
        except ValueError:
            return None


class InvitationAcceptanceForm(ParticipantDetailsForm):
    submit_label = _("Accept the invitation")


class PersonalDetailsForm(ParticipantDetailsForm):
    submit_label = _("Save my changes")


class DeclineForm(ControlCharactersRefused, forms.Form):
    reason = forms.CharField(
        label=_("Would you tell us why? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        validators=[validate_no_markup],
    )


class WalkInForm(ControlCharactersRefused, ContactFieldsMixin, forms.ModelForm):
    """A person the door adds: who came without being on the list, as few questions as counting her needs."""

    # The phone's own key for this walk-in, so a form the phone sends again (after being offline) adds her once.
    key = forms.UUIDField(widget=forms.HiddenInput)
    at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Participant
        fields = ["full_name", "gender", "category", "district", "phone", "track"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
        }
        help_texts = {"full_name": _("As she writes it."), "phone": _("For example 0555 123 456.")}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["category"].queryset = event.categories.all()
        self.fields["district"].choices = district_choices
        self.fields["track"].queryset = event.tracks.order_by("order", "pk")
        self.fields["track"].empty_label = _("Not decided yet")
        if not event.has_tracks:
            del self.fields["track"]
        for name in ("gender", "category", "phone"):
            self.fields[name].required = True
        self.fields["full_name"].validators += [validate_person_name, validate_no_markup]

    def clean(self):
        cleaned_data = super().clean()
        phone = cleaned_data.get("phone")
        # Door staff see every name on the list: saying whose number it is
        # lets them find her. The same walk-in sent again is no one else.
        owner = (
            self.event.participants.filter(phone=phone, erased_at__isnull=True)
            .exclude(submission_key=cleaned_data.get("key"))
            .first()
        )
        if phone and owner is not None:
            self.add_error(
                "phone",
                forms.ValidationError(
                    _("%(name)s is already on the list with this phone number: find her by name."),
                    params={"name": owner.full_name},
                    code="taken",
                ),
            )
        return cleaned_data
