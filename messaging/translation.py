from modeltranslation.translator import TranslationOptions, register

from .models import Announcement


@register(Announcement)
class AnnouncementTranslationOptions(TranslationOptions):
    # Each person reads it in their own language, falling back as the site does.
    fields = ("subject", "text")
