"""Sending SMS through a gateway, chosen by settings.SMS_BACKEND as Django chooses its email backend."""

from django.conf import settings
from django.utils.module_loading import import_string

# The GSM 03.38 alphabet: a text written only in it takes 7 bits a character
# (160 in one SMS, 153 a part when split); any other character, Cyrillic
# included, makes the whole text UCS-2 (70 in one, 67 a part).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Written as an escape and the character: two of the 160.
GSM_EXTENSION = set("^{}\\[~]|€\f")


def count_parts(text):
    """How many SMS a text is sent as (and billed as)."""
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text):
        length = sum(2 if char in GSM_EXTENSION else 1 for char in text)
        single, part = 160, 153
    else:
        # UTF-16 code units: a character outside the basic plane (an emoji) takes two.
        length = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    if length <= single:
        return 1
    return -(-length // part)


def get_backend():
    return import_string(settings.SMS_BACKEND)()
