"""The project's own date formats per language (FORMAT_MODULE_PATH), where Django's read wrongly.

Kyrgyz writes a date's month in its possessive form ("28-январы", "3-июну"): the `E` format's month names,
msgctxt "alt. month", which Django's Kyrgyz catalog gives in the nominative ("Январь"). Our catalog, read before
Django's, has them right; they are named here so that makemessages keeps them in it.
"""

from django.utils.translation import pgettext_lazy

MONTHS_IN_DATES = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
