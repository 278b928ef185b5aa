from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    ROOM_FIELDS,
    ROOM_KEY_FIELD,
    Session,
    interpretation_language_choices,
    room_clash_message,
    room_identity,
)
from .services import display_name, facilitator_clash_message, facilitator_clashes

# Changing any of these may put a facilitator in two places at once.
FACILITATOR_TIMING_FIELDS = {"starts_at", "ends_at", "facilitators"}
ROOM_TIMING_FIELDS = {"starts_at", "ends_at", ROOM_KEY_FIELD}


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class SessionForm(forms.ModelForm):
    """A session, with the rules a model alone cannot check (its facilitators are only known here)."""

    interpretation_languages = forms.MultipleChoiceField(
        label=_("interpretation into"),
        choices=interpretation_language_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The languages interpreters provide in this session."),
    )
    co_facilitator_covers = forms.BooleanField(
        label=_("A co-facilitator covers"),
        required=False,
        help_text=_("Tick to save although a facilitator is busy in another session at the same time."),
    )

    class Meta:
        model = Session
        fields = [
            "starts_at", "ends_at", "track", "is_break", "title", "description", *ROOM_FIELDS, "capacity",
            "interpretation_languages", "facilitators", "rapporteur",
        ]  # fmt: skip
        field_classes = {"facilitators": FacilitatorChoiceField}
        widgets = {"facilitators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "rapporteur" in self.fields:
            self.fields["rapporteur"].label_from_instance = display_name

    def facilitator_timing_changed(self):
        return bool(FACILITATOR_TIMING_FIELDS & set(self.changed_data))

    def clean(self):
        cleaned_data = super().clean()
        facilitators = cleaned_data.get("facilitators")
        starts_at, ends_at = cleaned_data.get("starts_at"), cleaned_data.get("ends_at")
        # Only a change can create a clash, so an organiser who accepted one is
        # not asked again each time they save the event for another reason.
        if (
            facilitators
            and starts_at
            and ends_at
            and starts_at < ends_at
            and self.facilitator_timing_changed()
            and not cleaned_data.get("co_facilitator_covers")
        ):
            clashes = facilitator_clashes(list(facilitators), starts_at, ends_at, exclude=self.instance)
            if clashes:
                self.add_error(
                    "facilitators", [facilitator_clash_message(user, other) for user, other in clashes]
                )
        return cleaned_data


def _overlap(a, b):
    return a["starts_at"] < b["ends_at"] and b["starts_at"] < a["ends_at"]


class SessionInlineFormSet(forms.BaseInlineFormSet):
    """The event's sessions edited together: also checks them against each other.

    Each form checks its session against the saved ones; two sessions changed
    in the same submission are only known here.
    """

    def clean(self):
        super().clean()
        checked = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form) or not form.has_changed():
                continue
            data = form.cleaned_data
            if not (data.get("starts_at") and data.get("ends_at")):
                continue
            for earlier_form, earlier in checked:
                if not _overlap(earlier, data):
                    continue
                room = room_identity(data.get(ROOM_KEY_FIELD))
                if (
                    room
                    and room == room_identity(earlier.get(ROOM_KEY_FIELD))
                    and ROOM_TIMING_FIELDS & set(form.changed_data)
                    and ROOM_TIMING_FIELDS & set(earlier_form.changed_data)
                ):
                    form.add_error(ROOM_KEY_FIELD, room_clash_message(form.instance.room, _Unsaved(earlier)))
                shared = set(data.get("facilitators") or ()) & set(earlier.get("facilitators") or ())
                if (
                    shared
                    and form.facilitator_timing_changed()
                    and earlier_form.facilitator_timing_changed()
                    and not data.get("co_facilitator_covers")
                    and not earlier.get("co_facilitator_covers")
                ):
                    form.add_error(
                        "facilitators", [facilitator_clash_message(user, _Unsaved(earlier)) for user in shared]
                    )
            checked.append((form, data))


class _Unsaved:
    """A session as typed in another form of the same submission, for a message about it."""

    def __init__(self, data):
        self.title = data.get("title") or data.get("title_en") or ""
        self.starts_at = data["starts_at"]
        self.ends_at = data["ends_at"]
