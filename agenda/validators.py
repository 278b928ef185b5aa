"""Checks on what organisers give an event as its identity: colours and logo files."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

validate_hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hexadecimal digits.")
)

# WCAG 2's level AA for normal text.
MINIMUM_CONTRAST = 4.5
WHITE = "#ffffff"


def relative_luminance(colour):
    """WCAG 2's relative luminance of a colour written #rrggbb, from 0 (black) to 1 (white)."""

    def linear(channel):
        value = int(channel, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first, second):
    """WCAG 2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validate_accent_colour(colour):
    """An event's colour carries white text (its buttons, the band of its emails): it must be dark enough to read."""
    validate_hex_colour(colour)
    ratio = contrast_ratio(colour, WHITE)
    if ratio < MINIMUM_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(colour)s has a contrast of only %(ratio)s:1, and needs at least 4.5:1 to be read "
                "easily. Please choose a darker colour."
            ),
            code="low_contrast",
            # Rounded down, so that 4.48 is never shown as "4.5" beside a refusal.
            params={"colour": colour, "ratio": f"{int(ratio * 10) / 10:.1f}"},
        )


LOGO_MAX_BYTES = 1024 * 1024

# A logo is a picture and nothing else: SVG (which can carry script), GIF or
# WebP are refused, whatever the file is called.
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def logo_content_type(head):
    """The image type the first bytes of a file announce, or None when it is neither PNG nor JPEG."""
    return next((kind for signature, kind in LOGO_SIGNATURES.items() if head.startswith(signature)), None)


def validate_logo_file(upload):
    # A logo stored before was checked when it came: its event's page is saved again without reading it (it may
    # even be gone, after a restore of the database alone).
    if getattr(upload, "_committed", False):
        return
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; a logo may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if logo_content_type(head) is None:
        raise ValidationError(_("A logo must be a PNG or JPEG picture."), code="not_an_image")
