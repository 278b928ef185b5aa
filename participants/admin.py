from dataclasses import asdict

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Func, IntegerField, Q
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import RowResult
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from agenda.models import Event, Track
from dialogue_event.admin import ReadOnlyAdminMixin, ReadOnlyTabularInline, RowCheckboxesMixin, StatusCountsMixin
from messaging.admin import MessageInline
from messaging.services import personal_link as personal_link_url

from . import certificates, services
from .models import (
    BulkSend,
    BulkSendKind,
    Category,
    Consent,
    ConsentMethod,
    District,
    Participant,
    Region,
    Status,
    StatusChange,
)
from .forms import ContactFieldsMixin
from .resources import CSV, XLSX, ImportCSV, ImportXLSX, ParticipantResource, UnreadableList
from .validators import ControlCharactersRefused, normalise_phone, validate_person_name

NAME_IN_EVERY_LANGUAGE = tuple(build_localized_fieldname("name", language) for language, _name in settings.LANGUAGES)


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ("name", "order")
    search_fields = NAME_IN_EVERY_LANGUAGE


@admin.register(District)
class DistrictAdmin(TranslationAdmin):
    list_display = ("name", "region", "order")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = NAME_IN_EVERY_LANGUAGE


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ("name", "event", "order", "open_to_public")
    list_filter = ("event", "open_to_public")
    list_select_related = ("event",)
    ordering = ("event", "order", "name")
    search_fields = NAME_IN_EVERY_LANGUAGE


class ParticipantEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What each participant was sent, for answering "did I get the email?"; written only by the services."""

    list_display = ("participant", "kind", "created_at", "sent_at")
    list_filter = ("kind", "participant__event")
    list_select_related = ("participant",)
    search_fields = ("participant__full_name", "participant__email")
    # Not the key: it carries the personal link of invitations.
    fields = ("participant", "kind", "created_at", "sent_at")


class ParticipantImportForm(ImportForm):
    event = forms.ModelChoiceField(
        queryset=Event.objects.all(),
        label=_("Event"),
        help_text=_("Everyone in the file is added to this event's list as invited."),
    )
    field_order = ["event", "resource", "import_file", "format"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _(
            "An Excel file (xlsx) or a CSV file (UTF-8 or Windows-1251) of at most %(rows)s people and %(limit)s MB. "
            "The columns are recognised by the names people give them in Kyrgyz, Russian or English, such as "
            "Аты-жөнү, ФИО, Тел., Организация, Район."
        ) % {"rows": settings.PARTICIPANT_IMPORT_MAX_ROWS, "limit": settings.PARTICIPANT_IMPORT_MAX_MEGABYTES}

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        limit = settings.PARTICIPANT_IMPORT_MAX_MEGABYTES
        if import_file.size > limit * 1024 * 1024:
            raise ValidationError(
                _(
                    "This file is larger than %(limit)s MB. A list of %(rows)s people takes far less: save only "
                    "the sheet with the list, without pictures, or split the list into several files."
                )
                % {"limit": limit, "rows": settings.PARTICIPANT_IMPORT_MAX_ROWS}
            )
        return import_file


class ParticipantConfirmImportForm(ConfirmImportForm):
    event = forms.ModelChoiceField(queryset=Event.objects.all(), widget=forms.HiddenInput)


class ParticipantAdminForm(ControlCharactersRefused, ContactFieldsMixin, forms.ModelForm):
    """The organisers' form, held to the same rules for names, phones and emails as the public one."""

    class Meta:
        model = Participant
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A page only to view (an erased person's row, a user who may only
        # view) makes the form without the fields it shows read-only.
        for name in ("full_name", "badge_name"):
            if name in self.fields:
                self.fields[name].validators.append(validate_person_name)
        for name in ("category", "track"):
            field = self.fields.get(name)
            if field is None:
                continue
            if self.instance.event_id:
                field.queryset = field.queryset.filter(event=self.instance.event_id)
            else:
                field.queryset = field.queryset.select_related("event")
                field.label_from_instance = lambda option: f"{option} ({option.event})"

    def clean(self):
        cleaned_data = super().clean()
        # The event is a field only on the add form; afterwards it is fixed.
        event_id = cleaned_data["event"].pk if cleaned_data.get("event") else self.instance.event_id
        category = cleaned_data.get("category")
        if event_id and category and category.event_id != event_id:
            self.add_error("category", _("This category belongs to another event."))
        track = cleaned_data.get("track")
        if event_id and track and track.event_id != event_id:
            self.add_error("track", _("This track belongs to another event."))
        return cleaned_data


class StatusChangeInline(ReadOnlyTabularInline):
    model = StatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "note")


class ConsentInline(admin.TabularInline):
    """Answers as they were given; an organiser adds the answers of a paper form as new rows.

    Without change permission Django shows the existing rows read-only and
    ignores anything posted for them, while new rows stay editable.
    """

    model = Consent
    extra = 0
    fields = ("kind", "given", "language", "method", "text_version", "recorded_at", "recorded_by")
    readonly_fields = ("method", "text_version", "recorded_at", "recorded_by")
    can_delete = False
    verbose_name_plural = _("consents (add a row for each answer on a paper consent form)")

    def has_change_permission(self, request, obj=None):
        return False


class AccessibilityNeedsFilter(admin.SimpleListFilter):
    title = _("accessibility needs")
    parameter_name = "has_accessibility_needs"

    def lookups(self, request, model_admin):
        return [("yes", _("Has accessibility needs")), ("no", _("None given"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(accessibility_needs="")
        if self.value() == "no":
            return queryset.filter(accessibility_needs="")
        return queryset


class EventScopedFilter(admin.RelatedFieldListFilter):
    """The chosen event's categories or tracks; with no event chosen, each named with its event.

    Every event has its own "Women activist" and its own tracks, so without
    this the filter lists the same names once per event.
    """

    def field_choices(self, field, request, model_admin):
        options = field.related_model.objects.select_related("event")
        event_id = request.GET.get("event__id__exact", "")
        if event_id.isdigit():
            return [(option.pk, str(option)) for option in options.filter(event_id=event_id)]
        return [(option.pk, f"{option} ({option.event})") for option in options]


def _names(participants):
    return ", ".join(participant.full_name for participant in participants)


@admin.register(Participant)
class ParticipantAdmin(RowCheckboxesMixin, StatusCountsMixin, ImportExportModelAdmin):
    status_choices = Status
    form = ParticipantAdminForm
    resource_classes = [ParticipantResource]
    formats = [CSV, XLSX]
    # In the same order: the import form names a format by its position.
    import_formats = [ImportCSV, ImportXLSX]
    # Each imported person's history already says who imported them, and when.
    skip_admin_log = True
    import_form_class = ParticipantImportForm
    confirm_form_class = ParticipantConfirmImportForm
    import_export_change_list_template = "admin/participants/participant/change_list.html"
    import_template_name = "admin/participants/participant/import.html"

    # What an organiser scans, all in view on a 1,366 px laptop: the event is the first filter, not a column
    # repeating its long title on every row; the email addresses, as long as the rest together, are searched.
    list_display = ("full_name", "status", "category", "track", "phone", "district")
    list_filter = (
        "event",
        "status",
        ("category", EventScopedFilter),
        ("track", EventScopedFilter),
        "district__region",
        "district",
        "gender",
        "preferred_language",
        "interpretation_language",
        "childcare_needed",
        "travel_support_needed",
        AccessibilityNeedsFilter,
        "at_risk",
        "source",
    )
    search_fields = ("full_name", "email", "phone", "organisation")
    list_select_related = ("category", "track", "district__region")
    list_per_page = 50
    # The latest event's people first, by name: read from the index of the same name (the model's ordering
    # sorts by the event's date, through a join no index serves, and left thousands of rows to sort per page).
    ordering = ("-event_id", "full_name", "pk")
    actions = [
        "send_invitations",
        "replace_personal_links",
        "mark_declined",
        "mark_attended",
        "print_badges",
        "print_certificates",
        "export_personal_data",
        "erase_personal_data",
    ]

    fieldsets = (
        (None, {"fields": ("event",)}),
        (
            _("Person"),
            {"fields": ("full_name", "badge_name", "gender", "age_band", "category", "organisation", "position")},
        ),
        (_("Place"), {"fields": ("district", "village")}),
        (_("Discussion track"), {"fields": ("track",)}),
        (_("Contact"), {"fields": ("phone", "email", "preferred_channel", "preferred_language", "personal_link")}),
        (
            _("Needs"),
            {
                "fields": (
                    "interpretation_language",
                    "accessibility_needs",
                    "dietary_needs",
                    "childcare_needed",
                    "children_ages",
                    "travel_support_needed",
                    "departure_place",
                    "accommodation_nights",
                )
            },
        ),
        (_("Privacy"), {"fields": ("visibility", "at_risk")}),
        (_("Organisers' notes"), {"fields": ("organiser_notes",)}),
        (
            _("Status"),
            {
                "fields": (
                    "status",
                    "source",
                    "invitation_sent_at",
                    "registered_at",
                    "decline_reason",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    # The status changes only through the services (the actions above, the
    # participant's own pages), which keep the history and the seats right.
    readonly_fields = (
        "personal_link",
        "status",
        "source",
        "invitation_sent_at",
        "registered_at",
        "decline_reason",
        "created_at",
        "updated_at",
    )
    inlines = [StatusChangeInline, ConsentInline, MessageInline]

    class Media:
        css = {"all": ["css/admin-lists.css"]}
        js = ["js/copy-link.js"]

    def get_readonly_fields(self, request, obj=None):
        # A participant belongs to one event: their categories, contacts and
        # consents are that event's. Another event means another record.
        if obj is not None:
            return ("event", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description=_("personal link"))
    def personal_link(self, participant):
        if participant.pk is None:
            return gettext("Shown once the participant is saved.")
        return render_to_string("participants/includes/copy_link.html", {"url": personal_link_url(participant)})

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Phones are stored as +996555123456; organisers type 0555 123 456.
        try:
            phone = normalise_phone(search_term)
        except ValidationError:
            return results, may_have_duplicates
        return results | queryset.filter(phone=phone), may_have_duplicates

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.record_added(obj, by=request.user, how="added by an organiser")

    def save_formset(self, request, form, formset, change):
        if formset.model is not Consent:
            return super().save_formset(request, form, formset, change)
        participant = form.instance
        before = participant.consents.count()
        answers = formset.save(commit=False)
        for answer in answers:
            services.record_consents(
                participant,
                {answer.kind: answer.given},
                language=answer.language,
                method=ConsentMethod.PAPER,
                by=request.user,
            )
        unchanged = len(answers) - (participant.consents.count() - before)
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d answer was the same as the one on record, so it was not added again.",
                    "%(count)d answers were the same as the ones on record, so they were not added again.",
                    unchanged,
                )
                % {"count": unchanged},
                messages.INFO,
            )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        # The filtered queryset exists only once the change list is built;
        # building it a second time up front would double its queries.
        context = getattr(response, "context_data", None) or {}
        if "cl" in context:
            context["status_counts"] = self.status_counts(request, context["cl"])
            context["track_counts"] = self._track_counts(request, context["cl"])
        return response

    def _filtered_event_id(self, request):
        event_id = request.GET.get("event__id__exact", "")
        return int(event_id) if event_id.isdigit() else None

    def _track_counts(self, request, changelist):
        """Seats taken in each track of the chosen event, against its places."""
        event_id = self._filtered_event_id(request)
        if event_id is None:
            return []
        tracks = Track.objects.filter(event=event_id).annotate(
            taken=Count("participants", filter=Q(participants__status__in=Status.SEAT_HOLDING))
        )
        return [
            {
                "track": track,
                "over": track.capacity is not None and track.taken > track.capacity,
                "url": changelist.get_query_string({"track__id__exact": track.pk}),
            }
            for track in tracks
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Moving people between tracks is offered once the list shows one event.
        event_id = self._filtered_event_id(request)
        if event_id is not None and self.has_change_permission(request):
            for track in Track.objects.filter(event=event_id):
                action = self._move_to_track_action(track)
                actions[action.__name__] = (action, action.__name__, action.short_description)
        return actions

    def _move_to_track_action(self, track):
        def move(modeladmin, request, queryset):
            moved = services.move_to_track(queryset, track)
            taken = track.participants.holding_seats().count()
            self.message_user(
                request,
                ngettext(
                    "%(count)d participant moved to “%(track)s”.",
                    "%(count)d participants moved to “%(track)s”.",
                    moved,
                )
                % {"count": moved, "track": track.title},
                messages.SUCCESS,
            )
            if track.capacity is not None and taken > track.capacity:
                self.message_user(
                    request,
                    gettext("“%(track)s” now has %(taken)d participants for %(places)d places.")
                    % {"track": track.title, "taken": taken, "places": track.capacity},
                    messages.WARNING,
                )

        move.__name__ = f"move_to_track_{track.pk}"
        move.short_description = gettext("Move to the track “%(track)s”") % {"track": track.title}
        return move

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        form = kwargs.pop("form", None)
        return {**kwargs, "event": getattr(form, "cleaned_data", {}).get("event")}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["event"] = import_form.cleaned_data["event"].pk
        return initial

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, UnreadableList):
            form.add_error("import_file", str(error))
        else:
            form.add_error(
                "import_file",
                gettext(
                    "This file could not be read. Check that the format chosen below is the file's: “csv” for a "
                    "text file, “xlsx” for an Excel file."
                ),
            )

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: a row that fails at the confirmation (somebody
        # registered with the same phone since the preview) must not leave the
        # other rows imported and that one silently missing.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                gettext(
                    "Nothing was imported: the event's list changed since the preview. "
                    "Import the file again to see which rows are affected."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:participants_participant_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        added = result.totals[RowResult.IMPORT_TYPE_NEW]
        self.message_user(
            request,
            ngettext(
                "%(count)d person was added as invited. Send the invitation with the action “Send invitations”.",
                "%(count)d people were added as invited. Send their invitations with the action “Send invitations”.",
                added,
            )
            % {"count": added},
            messages.SUCCESS,
        )

    def _in_background(self, request, sending):
        """Tell the organiser a long send goes on in the background, with a link to its progress; False if not."""
        bulk_send = sending.in_background
        if bulk_send is None:
            return False
        people = len(bulk_send.participant_ids)
        self.message_user(
            request,
            format_html(
                "{} <a href=\"{}\">{}</a>",
                ngettext(
                    "%(count)s person selected: the sending goes on in the background.",
                    "%(count)s people selected: the sending goes on in the background.",
                    people,
                )
                % {"count": number_format(people, force_grouping=True)},
                reverse("admin:participants_bulksend_change", args=[bulk_send.pk]),
                gettext("Follow its progress"),
            ),
            messages.SUCCESS,
        )
        return True

    @admin.action(description=_("Send invitations"), permissions=["change"])
    def send_invitations(self, request, queryset):
        sending = services.send_invitations(queryset, by=request.user)
        if self._in_background(request, sending):
            return
        if sending.emailed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation is on its way by email.",
                    "%(count)d invitations are on their way by email.",
                    len(sending.emailed),
                )
                % {"count": len(sending.emailed)},
                messages.SUCCESS,
            )
        if sending.by_hand:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person has no email address: the invitation, with the personal link, waits in "
                    "the messages to deliver by hand, ready to copy into WhatsApp or an SMS: %(names)s.",
                    "%(count)d people have no email address: their invitations, with the personal links, wait "
                    "in the messages to deliver by hand, ready to copy into WhatsApp or an SMS: %(names)s.",
                    len(sending.by_hand),
                )
                % {"count": len(sending.by_hand), "names": _names(sending.by_hand)},
                messages.WARNING,
            )
        if sending.already_invited:
            self.message_user(
                request,
                gettext(
                    "Left out, as they were already sent an invitation (to send another, use “Replace the "
                    "personal link and send it”): %(count)d."
                )
                % {"count": len(sending.already_invited)},
                messages.INFO,
            )
        if sending.answered:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected person was left out: they are no longer at the “Invited” stage.",
                    "%(count)d selected people were left out: they are no longer at the “Invited” stage.",
                    len(sending.answered),
                )
                % {"count": len(sending.answered)},
                messages.INFO,
            )

    @admin.action(description=_("Replace the personal link and send it"), permissions=["manage_people"])
    def replace_personal_links(self, request, queryset):
        sending = services.replace_personal_links(queryset, by=request.user)
        if self._in_background(request, sending):
            return
        replaced = len(sending.emailed) + len(sending.by_hand) + len(sending.not_invited_yet)
        self.message_user(
            request,
            gettext("Personal links replaced: %(count)d. The old links no longer work, not even on pages already open.")
            % {"count": replaced},
            messages.SUCCESS,
        )
        if sending.emailed:
            self.message_user(
                request,
                gettext("New links on their way by email: %(count)d.") % {"count": len(sending.emailed)},
                messages.SUCCESS,
            )
        if sending.by_hand:
            self.message_user(
                request,
                gettext(
                    "New links waiting in the messages to deliver by hand, ready to copy into WhatsApp or an SMS "
                    "(no email address): %(names)s."
                )
                % {"names": _names(sending.by_hand)},
                messages.WARNING,
            )
        if sending.not_invited_yet:
            self.message_user(
                request,
                gettext(
                    "Not sent, as their invitation has not gone out yet (it will carry the new link): %(names)s."
                )
                % {"names": _names(sending.not_invited_yet)},
                messages.INFO,
            )

    @admin.action(description=_("Mark as declined"), permissions=["change"])
    def mark_declined(self, request, queryset):
        # Declining again would wipe the reason the person gave the first time.
        self._change_each(
            request,
            queryset,
            services.decline,
            already=Status.DECLINED,
            done=lambda count: ngettext(
                "%(count)d participant is now marked as declined.",
                "%(count)d participants are now marked as declined.",
                count,
            ),
            skipped=lambda count: ngettext(
                "%(count)d selected person had already declined.",
                "%(count)d selected people had already declined.",
                count,
            ),
        )

    @admin.action(description=_("Mark as attended (check in)"), permissions=["change"])
    def mark_attended(self, request, queryset):
        self._change_each(
            request,
            queryset,
            services.check_in,
            already=Status.ATTENDED,
            done=lambda count: ngettext(
                "%(count)d participant is now checked in as attended.",
                "%(count)d participants are now checked in as attended.",
                count,
            ),
            skipped=lambda count: ngettext(
                "%(count)d selected person was already checked in.",
                "%(count)d selected people were already checked in.",
                count,
            ),
        )

    @admin.action(description=_("Print badges (PDF)"), permissions=["manage_people"])
    def print_badges(self, request, queryset):
        response = HttpResponse(services.badges_pdf(queryset), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="badges.pdf"'
        return response

    @admin.action(description=_("Print certificates of participation (PDF)"), permissions=["manage_people"])
    def print_certificates(self, request, queryset):
        pdf, skipped = certificates.certificates_pdf(queryset)
        if skipped:
            # Shown on the next page: the answer to this request is the file.
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected person did not attend: no certificate for her.",
                    "%(count)d selected people did not attend: no certificate for them.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        if pdf is None:
            return None
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="certificates.pdf"'
        return response

    def _change_each(self, request, queryset, change, *, already, done, skipped):
        """Apply a status change to each selected person not yet in that status, and say how many it was."""
        to_change = list(queryset.exclude(status=already))
        left_alone = queryset.count() - len(to_change)
        for participant in to_change:
            change(participant, by=request.user)
        self.message_user(request, done(len(to_change)) % {"count": len(to_change)}, messages.SUCCESS)
        if left_alone:
            self.message_user(request, skipped(left_alone) % {"count": left_alone}, messages.INFO)

    # A person's rights over her data: export and erasure, for organisers only.

    def has_manage_people_permission(self, request):
        return request.user.has_perm("participants.manage_people")

    def has_change_permission(self, request, obj=None):
        # An erased person's row holds only what is counted: nothing to edit.
        if obj is not None and obj.erased_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.erased_at is not None:
            kept = [name for name in services.KEPT_WHEN_ERASED if name != "id"]
            return [(None, {"fields": [*kept, "erased_at", "erased_by"]})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.erased_at is not None else super().get_inlines(request, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/personal-data/",
                self.admin_site.admin_view(self.personal_data_view),
                name="participants_participant_personal_data",
            ),
            path(
                "<path:object_id>/erase/",
                self.admin_site.admin_view(self.erase_view),
                name="participants_participant_erase",
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.has_manage_people_permission(request):
            extra_context = {**(extra_context or {}), "may_manage_people": True}
        return super().change_view(request, object_id, form_url, extra_context)

    def _person(self, request, object_id):
        if not self.has_manage_people_permission(request):
            raise PermissionDenied
        return get_object_or_404(Participant.objects.select_related("event"), pk=object_id)

    def personal_data_view(self, request, object_id):
        """Everything held about her, in her language: a page to print or save, or (?format=json) a file."""
        participant = self._person(request, object_id)
        data = services.personal_data(participant)
        if request.GET.get("format") == "json":
            response = JsonResponse(asdict(data), json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Content-Disposition"] = f'attachment; filename="personal-data-{participant.pk}.json"'
            return response
        with translation.override(data.language):
            return TemplateResponse(
                request,
                "participants/personal_data/export.html",
                {"data": data, "json_url": "?format=json", "participant": participant},
            ).render()

    def erase_view(self, request, object_id):
        participant = self._person(request, object_id)
        if request.method == "POST":
            self._erase(request, [participant])
            return redirect("admin:participants_participant_change", participant.pk)
        return self._confirm_erasure(request, [participant], action=None)

    @admin.action(description=_("Export personal data"), permissions=["manage_people"])
    def export_personal_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Select one person to export her data."), messages.WARNING)
            return None
        return redirect("admin:participants_participant_personal_data", queryset.get().pk)

    @admin.action(description=_("Erase personal data"), permissions=["manage_people"])
    def erase_personal_data(self, request, queryset):
        people = list(queryset.select_related("event"))
        if request.POST.get("post") == "yes":
            self._erase(request, people)
            return None
        return self._confirm_erasure(request, people, action="erase_personal_data")

    def _confirm_erasure(self, request, people, *, action):
        """The "are you sure?" page: what goes and what stays, for each person."""
        return TemplateResponse(
            request,
            "participants/personal_data/erase_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Erase personal data"),
                "opts": self.model._meta,
                "people": [(participant, services.erasure_plan(participant)) for participant in people],
                "action": action,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _erase(self, request, people):
        erased = [
            participant
            for participant in people
            if not services.erase_personal_data(participant, by=request.user).already_erased
        ]
        # Counts rather than sentences with plurals: the same words fit one person and many.
        self.message_user(
            request,
            gettext("Personal data erased: %(count)d. Only the anonymous counts of the reports remain.")
            % {"count": len(erased)},
            messages.SUCCESS,
        )
        if len(erased) < len(people):
            self.message_user(
                request,
                gettext("Already erased before, left as they were: %(count)d.") % {"count": len(people) - len(erased)},
                messages.INFO,
            )


@admin.register(BulkSend)
class BulkSendAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The sends to many people: how far each got, and what it came to. Written only by the services."""

    list_display = ("event", "what", "asked_by", "asked_at", "progress", "finished_at")
    list_filter = ("event", "what")
    list_select_related = ("event", "asked_by")
    # Not the ids: thousands of numbers nobody reads.
    fields = (
        "event", "what", "asked_by", "asked_at", "progress", "finished_at",
        "emailed", "by_hand", "already_invited", "answered", "not_invited_yet",
    )  # fmt: skip
    readonly_fields = fields
    change_form_template = "admin/participants/bulksend/change_form.html"
    # The counts that can be other than 0 for each kind of send, as the action's messages report them.
    COUNTS_SHOWN = {
        BulkSendKind.INVITATIONS: ("emailed", "by_hand", "already_invited", "answered"),
        BulkSendKind.NEW_LINKS: ("emailed", "by_hand", "not_invited_yet"),
    }

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return self.fields[:6] + self.COUNTS_SHOWN[obj.what]

    def get_queryset(self, request):
        # The list counts each send's people in the database rather than loading their ids.
        people = Func(F("participant_ids"), function="cardinality", output_field=IntegerField())
        return super().get_queryset(request).defer("participant_ids").annotate(people=people)

    @admin.display(description=_("progress"))
    def progress(self, bulk_send):
        return format_html(
            '{} <progress max="{}" value="{}"></progress>',
            gettext("%(done)s of %(people)s")
            % {
                "done": number_format(bulk_send.done, force_grouping=True),
                "people": number_format(bulk_send.people, force_grouping=True),
            },
            bulk_send.people,
            bulk_send.done,
        )
