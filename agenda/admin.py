from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from .models import Event, Track


class TrackInline(TranslationStackedInline):
    model = Track
    extra = 0
    fields = ("order", "title", "description", "colour")


@admin.register(Event)
class EventAdmin(TabbedTranslationAdmin):
    list_display = ("title", "starts_at", "city", "capacity", "open_registration", "is_published")
    list_filter = ("is_published", "open_registration", "city")
    search_fields = ("title", "theme", "city", "host_organisation")
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [TrackInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "theme", "is_published")}),
        (_("About the dialogue"), {"fields": ("purpose", "audience", "expected_results")}),
        (_("Date and place"), {"fields": ("starts_at", "ends_at", "city", "venue", "address")}),
        (
            _("Organisers and funding"),
            {"fields": ("host_organisation", "partner_organisations", "funder", "funded_project", "contact_email")},
        ),
        (
            _("Registration"),
            {"fields": ("capacity", "open_registration", "registration_opens_at", "registration_closes_at")},
        ),
    )
