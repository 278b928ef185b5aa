from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from dialogue_event.admin import NamedDateTimesMixin
from messaging.admin import ReminderInline
from messaging.models import Channel, MessageStatus
from participants import services as participant_services
from recommendations import donor_report

from . import attendance
from .forms import SessionForm, SessionInlineFormSet
from .models import Event, EventLogo, Session, Track


class DonorReportForm(forms.Form):
    format = forms.ChoiceField(
        choices=[("docx", "DOCX"), ("pdf", "PDF")], initial="docx", widget=forms.RadioSelect, label=_("Format")
    )
    language = forms.ChoiceField(
        choices=[(code, name) for code, name in settings.LANGUAGES if code in donor_report.LANGUAGES],
        label=_("Language"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = get_language() if get_language() in donor_report.LANGUAGES else "en"


class TrackInline(TranslationStackedInline):
    model = Track
    template = "admin/agenda/event/stacked_folded.html"
    extra = 0
    fields = ("order", "title", "description", "colour", "capacity")


class EventLogoInline(TranslationStackedInline):
    model = EventLogo
    extra = 0
    fields = (("role", "order"), "organisation", ("image", "preview"))
    readonly_fields = ("preview",)

    @admin.display(description=_("Preview"))
    def preview(self, logo):
        if not logo.image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="height: 3rem; width: auto; max-width: 12rem">', logo.image.url, logo.organisation
        )


class SessionInline(NamedDateTimesMixin, TranslationStackedInline):
    model = Session
    form = SessionForm
    formset = SessionInlineFormSet
    template = "admin/agenda/event/stacked_folded.html"
    extra = 0
    ordering = ("starts_at", "track__order")
    fields = (
        ("starts_at", "ends_at"),
        "track",
        "is_break",
        "title",
        "description",
        ("room", "capacity"),
        "interpretation_languages",
        "facilitators",
        "co_facilitator_covers",
        "rapporteur",
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "track":
            # Only the tracks of the event being edited (none yet on a new event).
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Track.objects.filter(event_id=object_id) if object_id else Track.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Event)
class EventAdmin(NamedDateTimesMixin, TabbedTranslationAdmin):
    list_display = ("title", "starts_at", "city", "capacity", "open_registration", "is_published")
    list_filter = ("is_published", "open_registration", "city")
    search_fields = ("title", "theme", "city", "host_organisation")
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [TrackInline, EventLogoInline, SessionInline, ReminderInline]
    # In the order an organiser fills them in; the event's own page (templates/admin/agenda/event/change_form.html)
    # lists them, and the inlines, at its top.
    fieldsets = (
        (None, {"fields": ("title", "slug", "theme", "is_published")}),
        (_("Date and place"), {"fields": ("starts_at", "ends_at", "city", "venue", "address")}),
        (_("About the dialogue"), {"fields": ("purpose", "audience", "expected_results")}),
        (
            _("Organisers and funding"),
            {
                "fields": (
                    "host_organisation",
                    "partner_organisations",
                    "funder",
                    "funded_project",
                    "contact_email",
                    "colour",
                )
            },
        ),
        (
            _("Registration"),
            {"fields": ("capacity", "open_registration", "registration_opens_at", "registration_closes_at")},
        ),
        (_("Messages"), {"fields": ("message_counts",)}),
        (_("Participation"), {"fields": ("door_page", "participation_report")}),
    )
    # Written once when the event is created and seldom read again: folded on an existing event's page (a
    # <details>, which Django opens by itself when a field in it has an error).
    FOLDED_WHEN_SAVED = (_("About the dialogue"), _("Organisers and funding"))
    readonly_fields = ("message_counts", "door_page", "participation_report")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name, {**options, "classes": [*options.get("classes", ()), "collapse"]})
            if name in self.FOLDED_WHEN_SAVED
            else (name, options)
            for name, options in fieldsets
        ]
    actions = ["attendance_sheets_per_session", "attendance_sheets_per_track", "checked_in_list", "download_donor_report"]

    # Lists of people to print or take away: organisers only.
    def has_manage_people_permission(self, request):
        return request.user.has_perm("participants.manage_people")

    @admin.action(description=_("Attendance sheets (PDF), one per session"), permissions=["manage_people"])
    def attendance_sheets_per_session(self, request, queryset):
        sheets = [sheet for event in queryset.order_by("starts_at", "pk") for sheet in attendance.session_sheets(event)]
        return self._attendance_pdf(request, sheets, "attendance-sessions.pdf")

    @admin.action(description=_("Attendance sheets (PDF), one per track"), permissions=["manage_people"])
    def attendance_sheets_per_track(self, request, queryset):
        sheets = [sheet for event in queryset.order_by("starts_at", "pk") for sheet in attendance.track_sheets(event)]
        return self._attendance_pdf(request, sheets, "attendance-tracks.pdf")

    def _attendance_pdf(self, request, sheets, filename):
        if not sheets:
            self.message_user(request, gettext("The selected events have nothing to sign yet."), messages.WARNING)
            return None
        return _download(attendance.render_pdf(sheets), "application/pdf", filename)

    @admin.action(description=_("Checked-in list (XLSX)"), permissions=["manage_people"])
    def checked_in_list(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Select one event for its checked-in list."), messages.WARNING)
            return None
        event = queryset.get()
        return _download(
            attendance.render_checked_in_xlsx(event),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{event.slug}-checked-in.xlsx",
        )

    def has_donor_report_permission(self, request):
        return request.user.has_perm("participants.view_report")

    @admin.action(description=_("Donor report (DOCX or PDF)"), permissions=["donor_report"])
    def download_donor_report(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Select one event for its donor report."), messages.WARNING)
            return None
        event = queryset.get()
        form = DonorReportForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            format = form.cleaned_data["format"]
            report = donor_report.gather(event, form.cleaned_data["language"])
            render, content_type = donor_report.RENDERERS[format]
            return _download(render(report), content_type, donor_report.file_name(report, format))
        return TemplateResponse(
            request,
            "admin/agenda/event/donor_report_form.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Donor report"),
                "opts": self.model._meta,
                "event": event,
                "form": form,
                "action": "download_donor_report",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Places added to the event go at once to the people waiting longest, each told once.
        promoted = participant_services.promote_from_waitlist(form.instance)
        if promoted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person on the waiting list now holds a seat and is being told: %(names)s.",
                    "%(count)d people on the waiting list now hold a seat and are being told: %(names)s.",
                    len(promoted),
                )
                % {"count": len(promoted), "names": ", ".join(person.full_name for person in promoted)},
                messages.SUCCESS,
            )

    @admin.display(description=_("messages to participants"))
    def message_counts(self, event):
        """How a bulk send is going: queued, sent and failed, each linked to the list of those messages."""
        if event.pk is None:
            return "—"
        counts = event.messages.count_by_status()
        changelist = reverse("admin:messaging_message_changelist")
        by_status = format_html_join(
            " · ",
            '<a href="{}?event__id__exact={}&amp;status__exact={}">{}: {}</a>',
            (
                (changelist, event.pk, status.value, status.label, counts[status])
                for status in (MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.FAILED)
            ),
        )
        # Per channel, what went out and what came of it; the SMS parts are what the SMS cost.
        per_channel, sms_parts = event.messages.count_by_channel_and_status()
        by_channel = format_html_join(
            "",
            '<li><a href="{}?event__id__exact={}&amp;channel__exact={}">{}</a>: {}</li>',
            (
                (
                    changelist, event.pk, channel.value, channel.label,
                    gettext("%(sent)d sent, %(delivered)d delivered, %(failed)d failed")
                    % {
                        "sent": sum(per_channel[channel][status] for status in MessageStatus.gone_out()),
                        "delivered": per_channel[channel][MessageStatus.DELIVERED],
                        "failed": per_channel[channel][MessageStatus.FAILED],
                    },
                )  # fmt: skip
                for channel in Channel
            ),
        )
        parts = ngettext("%(count)d SMS part sent", "%(count)d SMS parts sent", sms_parts) % {"count": sms_parts}
        return format_html("{}<ul>{}</ul>{}", by_status, by_channel, parts)

    @admin.display(description=_("check-in at the door"))
    def door_page(self, event):
        if event.pk is None:
            return "—"
        url = reverse("participants:door", args=[event.slug])
        return format_html(
            '<a href="{}">{}</a><div class="help">{}</div>',
            url,
            gettext("The door page"),
            gettext("Open it on the phones at the door. Door staff log in with their own accounts and see nothing else."),
        )

    @admin.display(description=_("participation report"))
    def participation_report(self, event):
        if event.pk is None:
            return "—"
        url = reverse("participants:report", args=[event.slug])
        return format_html('<a href="{}">{}</a>', url, gettext("Invited, registered and attended, by group"))


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
