from modeltranslation.translator import TranslationOptions, register

from .models import Event, EventLogo, Session, Track


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "theme",
        "purpose",
        "audience",
        "expected_results",
        "city",
        "venue",
        "address",
        "host_organisation",
        "partner_organisations",
        "funder",
        "funded_project",
    )


@register(Track)
class TrackTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("title", "description", "room")


@register(EventLogo)
class EventLogoTranslationOptions(TranslationOptions):
    fields = ("organisation",)
