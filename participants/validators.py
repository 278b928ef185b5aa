import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Besides letters: what real names contain (Abdyrakhmanova-Isaeva, O'Brien,
# Asel kyzy, A. Toktosunova).
NAME_PUNCTUATION = set(" -'’.")

DEFAULT_PHONE_REGION = "KG"


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
