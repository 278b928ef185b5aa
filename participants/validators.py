import re
import unicodedata

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Besides letters: what real names contain (Abdyrakhmanova-Isaeva, O'Brien,
# Asel kyzy, A. Toktosunova).
NAME_PUNCTUATION = set(" -'’.")

DEFAULT_PHONE_REGION = "KG"

# Characters nobody means to type, which arrive pasted from Word (a line break
# there is a vertical tab) or from a broken program: C0 and C1 control
# characters and the two Unicode non-characters. An Excel file cannot hold them
# at all. Tabs and line breaks are text, and stay.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def validate_person_name(value):
    for character in value:
        category = unicodedata.category(character)
        if not (category.startswith("L") or category.startswith("M") or character in NAME_PUNCTUATION):
            raise ValidationError(
                _("Please write the name with letters only (spaces, hyphens and apostrophes are fine)."),
                code="invalid_name",
            )


def validate_no_markup(value):
    if "<" in value or ">" in value:
        raise ValidationError(_("Please remove the < and > signs."), code="markup")


def validate_no_control_characters(value):
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _(
                "This text contains an invisible control character, often brought along when text is copied from "
                "another program. Please type the text again instead of pasting it."
            ),
            code="control_character",
        )


def without_control_characters(value):
    """Text for a file that leaves the site: control characters already in the database dropped."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class ControlCharactersRefused:
    """A form mixin: every text field of the form refuses control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A UUIDField is a CharField whose validators see the UUID it made.
            if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField):
                field.validators.append(validate_no_control_characters)


def normalise_phone(value):
    """A phone number in international form (+996555123456); Kyrgyz numbers may be written locally."""
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, for example 0555 123 456 or +996 555 123 456."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
