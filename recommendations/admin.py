from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from agenda.models import Event
from dialogue_event.admin import NamedSplitDateTime, ReadOnlyTabularInline

from . import selectors, services
from .forms import FollowUpUpdateForm
from .models import (
    Addressee,
    Endorsement,
    EventFramework,
    FollowUpStatus,
    FollowUpUpdate,
    Framework,
    FrameworkArea,
    OutcomeDocument,
    OutcomeFormat,
    OutcomePublication,
    OutcomeStatus,
    OutcomeVersion,
    Quote,
    Recommendation,
    RecommendationFollowUp,
    RecommendationStatus,
    SessionReport,
    TargetGroup,
)


class FrameworkAreaInline(TranslationTabularInline):
    model = FrameworkArea
    extra = 0
    fields = ("order", "number", "title", "description")


@admin.register(Framework)
class FrameworkAdmin(TranslationAdmin):
    list_display = ("short_name", "name", "valid_from", "valid_until", "is_default")
    inlines = [FrameworkAreaInline]
    prepopulated_fields = {"slug": ("short_name_en",)}


@admin.register(EventFramework)
class EventFrameworkAdmin(admin.ModelAdmin):
    list_display = ("event", "framework")


@admin.register(Addressee, TargetGroup)
class ChoiceListAdmin(TranslationAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")


class QuoteInline(admin.TabularInline):
    model = Quote
    extra = 0
    fields = ("participant", "language", "text", "created_by")
    readonly_fields = ("created_by",)
    raw_id_fields = ("participant",)


@admin.register(SessionReport)
class SessionReportAdmin(SimpleHistoryAdmin):
    list_display = ("session", "women_count", "men_count", "other_count", "updated_at", "updated_by")
    list_filter = (("session__event", admin.RelatedOnlyFieldListFilter),)
    readonly_fields = ("session", "updated_by", "updated_at")
    fields = ("session", "key_points", ("women_count", "men_count", "other_count"), "updated_by", "updated_at")
    inlines = [QuoteInline]

    def has_add_permission(self, request):
        return False  # Reports are written on the facilitators' page of each session.

    def has_change_permission(self, request, obj=None):
        # Shown read-only once the event's final outcome is published, as the services would refuse the change.
        if obj is not None and services.outcome_is_final(obj.session.event_id):
            return False
        return super().has_change_permission(request, obj)


class NotRetainForm(forms.Form):
    reason = forms.CharField(
        label=_("Why they are not retained"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept with each recommendation; the facilitators see it."),
    )


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Recommendation.objects.none(),
        label=_("Keep this one; merge the others into it"),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = queryset


def with_endorsement_counts(recommendations):
    return recommendations.annotate(
        agree_count=Count("endorsements", filter=Q(endorsements__endorses=True)),
        disagree_count=Count("endorsements", filter=Q(endorsements__endorses=False)),
    )


class EndorsementInline(ReadOnlyTabularInline):
    """What the participants answered to the draft outcome; theirs to give, so only read here."""

    model = Endorsement
    fields = ("participant", "endorses", "comment", "updated_at")
    verbose_name_plural = _("participants' answers to the draft outcome")


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "status", "track", "framework_area", "priority", "session", "endorsement_counts", "created_by")
    list_filter = (
        ("session__event", admin.RelatedOnlyFieldListFilter),
        ("session__track", admin.RelatedOnlyFieldListFilter),
        ("framework_area", admin.RelatedOnlyFieldListFilter),
        "addressees",
        "status",
        "priority",
        "geographic_scope",
    )
    search_fields = ("text", "translation_en", "translation_ru", "translation_ky", "measure", "indicator")
    list_select_related = ("session__track", "framework_area", "created_by")
    filter_horizontal = ("addressees", "target_groups")
    readonly_fields = (
        "session",
        "status",
        "merged_into",
        "not_retained_reason",
        "created_by",
        "created_at",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    )
    fieldsets = (
        (None, {"fields": ("session", "status", "merged_into", "not_retained_reason")}),
        (_("What it says"), {"fields": ("language", "text", "translation_en", "translation_ru", "translation_ky")}),
        (
            _("As a row of the plan"),
            {
                "fields": (
                    "measure",
                    "indicator",
                    "framework_area",
                    "addressees",
                    ("geographic_scope", "place"),
                    "target_groups",
                    ("priority", "timeframe"),
                )
            },
        ),
        (
            _("Who and when"),
            {"fields": (("created_by", "created_at"), ("submitted_by", "submitted_at"), ("reviewed_by", "reviewed_at"))},
        ),
    )
    actions = ["accept_selected", "not_retain_selected", "merge_selected"]
    inlines = [EndorsementInline]

    def has_add_permission(self, request):
        return False  # Recommendations come from a session's facilitators.

    def has_change_permission(self, request, obj=None):
        # Shown read-only once the event's final outcome is published, as the services would refuse the change.
        if obj is not None and services.outcome_is_final(obj.session.event_id):
            return False
        return super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return with_endorsement_counts(super().get_queryset(request))

    @admin.display(description=_("participants agree / do not agree"))
    def endorsement_counts(self, recommendation):
        return f"{recommendation.agree_count} / {recommendation.disagree_count}"

    @admin.display(description=_("track"), ordering="session__track__order")
    def track(self, recommendation):
        return recommendation.session.track or _("Plenary")

    def _each(self, request, queryset, step):
        """Apply one service to each selected recommendation; report what was done and what was refused."""
        done = 0
        for recommendation in queryset:
            try:
                step(recommendation)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                done += 1
        return done

    @admin.action(description=_("Accept the selected recommendations"), permissions=["change"])
    def accept_selected(self, request, queryset):
        done = self._each(request, queryset, lambda r: services.accept(r, by=request.user))
        if done:
            messages.success(
                request, ngettext("%(count)d recommendation accepted.", "%(count)d recommendations accepted.", done) % {"count": done}
            )

    @admin.action(description=_("Do not retain the selected recommendations…"), permissions=["change"])
    def not_retain_selected(self, request, queryset):
        form = NotRetainForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._each(request, queryset, lambda r: services.not_retain(r, by=request.user, reason=reason))
            if done:
                messages.success(
                    request,
                    ngettext("%(count)d recommendation not retained.", "%(count)d recommendations not retained.", done)
                    % {"count": done},
                )
            return None
        return self._intermediate(request, queryset, "not_retain_selected", form, _("Do not retain recommendations"))

    @admin.action(description=_("Merge the selected recommendations into one…"), permissions=["change"])
    def merge_selected(self, request, queryset):
        queryset = queryset.select_related("session__track")
        if len(queryset) < 2:
            messages.warning(request, _("Select at least two recommendations to merge."))
            return None
        if len({recommendation.session.event_id for recommendation in queryset}) > 1:
            messages.error(request, _("Recommendations can only be merged with one of the same event."))
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, queryset=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            others = queryset.exclude(pk=target.pk)
            done = self._each(request, others, lambda r: services.merge(r, into=target, by=request.user))
            if done:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d recommendation merged into “%(target)s”.",
                        "%(count)d recommendations merged into “%(target)s”.",
                        done,
                    )
                    % {"count": done, "target": target},
                )
            return None
        return self._intermediate(request, queryset, "merge_selected", form, _("Merge recommendations"))

    def _intermediate(self, request, queryset, action, form, title):
        return TemplateResponse(
            request,
            "admin/recommendations/recommendation/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "queryset": queryset,
                "form": form,
                "action": action,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def get_urls(self):
        return [
            path(
                "consolidate/",
                self.admin_site.admin_view(self.consolidate_view),
                name="recommendations_recommendation_consolidate",
            )
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "consolidate_url": reverse("admin:recommendations_recommendation_consolidate")}
        return super().changelist_view(request, extra_context)

    def consolidate_view(self, request):
        """All recommendations of an event, by track and framework area, with counts; select and act on them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        events = Event.objects.order_by("-starts_at")
        event = events.filter(pk=request.GET.get("event")).first() if request.GET.get("event", "").isdigit() else None
        event = event or events.filter(sessions__recommendations__isnull=False).first() or events.first()
        if request.method == "POST":
            return self._consolidation_action(request, event)

        recommendations = (
            with_endorsement_counts(Recommendation.objects.for_event(event))
            .select_related("session__track", "framework_area", "merged_into")
            .prefetch_related("addressees")
            .order_by("session__track__order", "session__track", "framework_area__order", "created_at", "pk")
        )
        addressee = request.GET.get("addressee", "")
        if addressee.isdigit():
            recommendations = recommendations.filter(addressees=addressee)
        status_counts = dict(recommendations.order_by().values_list("status").annotate(n=Count("pk")))
        status = request.GET.get("status", "")
        if status in RecommendationStatus.values:
            recommendations = recommendations.filter(status=status)

        tracks = {}
        for recommendation in recommendations:
            areas = tracks.setdefault(recommendation.session.track, {})
            areas.setdefault(recommendation.framework_area, []).append(recommendation)
        groups = [
            {
                "track": track,
                "count": sum(len(items) for items in areas.values()),
                "areas": [{"area": area, "items": items, "count": len(items)} for area, items in areas.items()],
            }
            for track, areas in tracks.items()
        ]
        return TemplateResponse(
            request,
            "admin/recommendations/recommendation/consolidate.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Consolidate recommendations"),
                "opts": self.model._meta,
                "event": event,
                "events": events,
                "addressees": Addressee.objects.all(),
                "addressee": addressee,
                "statuses": [(value, label, status_counts.get(value, 0)) for value, label in RecommendationStatus.choices],
                "status": status,
                "total": sum(status_counts.values()),
                "shown": sum(group["count"] for group in groups),
                "groups": groups,
                "can_change": self.has_change_permission(request),
                "outcome_form": OutcomeRequestForm(initial={"event": event}) if event else None,
                "outcome_url": reverse("admin:recommendations_outcomedocument_add"),
                "outcome_list_url": reverse("admin:recommendations_outcomedocument_changelist"),
                "publication": OutcomePublication.objects.filter(event=event).first(),
                "publication_url": reverse("admin:recommendations_outcomepublication_add"),
                "endorsements_url": reverse("admin:recommendations_endorsement_changelist"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "actions": [
                    ("accept_selected", self.accept_selected.short_description),
                    ("not_retain_selected", self.not_retain_selected.short_description),
                    ("merge_selected", self.merge_selected.short_description),
                ],
            },
        )

    def _consolidation_action(self, request, event):
        # The same actions as the list's, on the recommendations ticked on this page.
        if not self.has_change_permission(request):
            raise PermissionDenied
        action = {
            "accept_selected": self.accept_selected,
            "not_retain_selected": self.not_retain_selected,
            "merge_selected": self.merge_selected,
        }.get(request.POST.get("action"))
        selected = Recommendation.objects.for_event(event).filter(
            pk__in=[pk for pk in request.POST.getlist(ACTION_CHECKBOX_NAME) if pk.isdigit()]
        )
        if action is None or not selected.exists():
            messages.warning(request, _("Tick some recommendations and choose what to do with them."))
        else:
            response = action(request, selected)
            if response is not None:
                return response
        return redirect(request.get_full_path())


class OutcomeRequestForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.order_by("-starts_at"), label=_("Event"))
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Language"))
    formats = forms.MultipleChoiceField(
        choices=OutcomeFormat.choices,
        initial=[OutcomeFormat.PDF, OutcomeFormat.DOCX],
        widget=forms.CheckboxSelectMultiple,
        label=_("Formats"),
        help_text=_("Only accepted recommendations go into the document."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = get_language()


@admin.register(OutcomeDocument)
class OutcomeDocumentAdmin(admin.ModelAdmin):
    list_display = ("event", "language", "format", "version", "status", "created_at", "requested_by", "finished_at", "download")
    list_filter = (("event", admin.RelatedOnlyFieldListFilter), "status", "format", "language")
    list_select_related = ("event", "requested_by")
    readonly_fields = (
        "event", "language", "format", "version", "status", "download", "error", "requested_by", "created_at", "finished_at"
    )  # fmt: skip
    fields = readonly_fields
    actions = ["generate_again"]

    def has_change_permission(self, request, obj=None):
        return False  # A document is drawn from the recommendations, never edited here.

    @admin.display(description=_("file"))
    def download(self, document):
        if document.status != OutcomeStatus.READY or not document.file:
            return document.get_status_display()
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:recommendations_outcomedocument_download", args=[document.pk]),
            _("Download"),
        )

    @admin.action(description=_("Generate the selected documents again"), permissions=["add"])
    def generate_again(self, request, queryset):
        for document in queryset:
            services.requeue_outcome_document(document, by=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d document is being prepared again.", "%(count)d documents are being prepared again.", len(queryset)
            )
            % {"count": len(queryset)},
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                login_required(self.download_view, login_url="admin:login"),
                name="recommendations_outcomedocument_download",
            )
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        # While a document is being prepared, the list reloads itself to show when it is ready.
        waiting = OutcomeDocument.objects.filter(status=OutcomeStatus.QUEUED).exists()
        return super().changelist_view(request, {**(extra_context or {}), "refresh_while_waiting": waiting})

    def add_view(self, request, form_url="", extra_context=None):
        """Ask for the outcome document of an event, in one language and one or more formats."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OutcomeRequestForm(request.POST or None, initial={"event": request.GET.get("event")})
        if request.method == "POST" and form.is_valid():
            try:
                for format in form.cleaned_data["formats"]:
                    services.request_outcome_document(
                        form.cleaned_data["event"], language=form.cleaned_data["language"], format=format, by=request.user
                    )
            except PermissionDenied as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("The outcome document is being prepared. It can be downloaded here when it is ready."),
                )
                changelist = reverse("admin:recommendations_outcomedocument_changelist")
                return redirect(f"{changelist}?event__id__exact={form.cleaned_data['event'].pk}")
        return TemplateResponse(
            request,
            "admin/recommendations/outcomedocument/request_form.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Prepare the outcome document"),
                "opts": self.model._meta,
                "form": form,
            },
        )

    def download_view(self, request, pk):
        if not (request.user.is_active and request.user.is_staff) or not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(OutcomeDocument, pk=pk)
        if document.status != OutcomeStatus.READY or not document.file:
            messages.warning(request, _("This document is not ready yet."))
            return redirect("admin:recommendations_outcomedocument_changelist")
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file is missing: generate the document again.")) from None
        return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


class PublishDraftForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.order_by("-starts_at"), label=_("Event"))
    closes_at = forms.SplitDateTimeField(
        label=_("Participants can respond until"),
        widget=NamedSplitDateTime(_("Participants can respond until")),
        help_text=_("Publishing again for the same event moves this date."),
    )


class OutcomeVersionInline(ReadOnlyTabularInline):
    """Each published version: who published it and when, and who started the next one."""

    model = OutcomeVersion
    fields = ("number", "published_at", "published_by", "next_version_started_at", "next_version_started_by")


@admin.register(OutcomePublication)
class OutcomePublicationAdmin(admin.ModelAdmin):
    """Show the draft outcome to the participants, then publish the final one on the event's page, in versions."""

    list_display = ("event", "draft_published_at", "comments_close_at", "final_published_at", "version", "updated_by")
    list_select_related = ("event", "updated_by")
    readonly_fields = ("event", "draft_published_at", "comments_close_at", "final_published_at", "updated_by")
    fields = readonly_fields
    actions = ["publish_final_selected", "start_new_version_selected"]
    inlines = [OutcomeVersionInline]

    def has_change_permission(self, request, obj=None):
        return False  # Each step goes through its service: the add form and the actions below.

    @admin.display(description=_("published version"))
    def version(self, publication):
        version = services.published_version(publication.event_id)
        if version is None:
            return "—"
        if version.next_version_started_at:
            return _("%(number)s (a new version is being prepared)") % {"number": version.number}
        return version.number

    @admin.action(description=_("Start a new version of the selected events' outcome"), permissions=["add"])
    def start_new_version_selected(self, request, queryset):
        for publication in queryset.select_related("event"):
            try:
                services.start_new_version(publication.event, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, f"{publication.event}: {' '.join(getattr(error, 'messages', [str(error)]))}")
            else:
                messages.success(
                    request,
                    _(
                        "“%(event)s”: its reports and recommendations can be changed again. The public page shows "
                        "the published version until you publish the final outcome again."
                    )
                    % {"event": publication.event},
                )

    @admin.action(description=_("Publish the final outcome of the selected events"), permissions=["add"])
    def publish_final_selected(self, request, queryset):
        for publication in queryset.select_related("event"):
            try:
                services.publish_final(publication.event, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, f"{publication.event}: {' '.join(getattr(error, 'messages', [str(error)]))}")
            else:
                messages.success(
                    request,
                    _("The final outcome of “%(event)s” is published on its public page.") % {"event": publication.event},
                )

    def add_view(self, request, form_url="", extra_context=None):
        """Publish an event's draft outcome to its participants, with the date their responses close."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PublishDraftForm(request.POST or None, initial={"event": request.GET.get("event")})
        if request.method == "POST" and form.is_valid():
            try:
                services.publish_draft(form.cleaned_data["event"], closes_at=form.cleaned_data["closes_at"], by=request.user)
            except ValidationError as error:
                form.add_error("closes_at", error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("The draft outcome is published: registered participants can read it and respond.")
                )
                return redirect("admin:recommendations_outcomepublication_changelist")
        return TemplateResponse(
            request,
            "admin/recommendations/outcomepublication/publish_form.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Publish the draft outcome"),
                "opts": self.model._meta,
                "form": form,
                "media": self.media + form.media,
            },
        )


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    """Every answer to the draft outcome, to read the comments in one place."""

    list_display = ("recommendation", "participant", "endorses", "comment", "updated_at")
    list_filter = (("recommendation__session__event", admin.RelatedOnlyFieldListFilter), "endorses")
    list_select_related = ("recommendation", "participant")
    search_fields = ("comment", "recommendation__text")
    readonly_fields = ("recommendation", "participant", "endorses", "comment", "created_at", "updated_at")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # Participants answer on their own page.

    def has_change_permission(self, request, obj=None):
        return False


# Follow-up of accepted recommendations, once the event's final outcome is published.


@admin.register(FollowUpStatus)
class FollowUpStatusAdmin(TranslationAdmin):
    list_display = ("name", "order", "progress", "is_final", "needs_body", "needs_evidence", "needs_reason", "is_active")
    list_editable = ("order", "progress", "is_final", "needs_body", "needs_evidence", "needs_reason", "is_active")
    prepopulated_fields = {"code": ("name_en",)}


class FollowUpUpdateInline(admin.StackedInline):
    """The recommendation's updates, latest first, and a form for a new one; an update is never edited afterwards."""

    model = FollowUpUpdate
    form = FollowUpUpdateForm
    extra = 1
    fields = ("date", "status", "body", "evidence_url", "evidence_file", "note", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")
    verbose_name = _("status update")
    verbose_name_plural = _("status updates")

    def has_change_permission(self, request, obj=None):
        return False  # A correction is a new update, so the history stays as it was reported.

    def has_delete_permission(self, request, obj=None):
        return False


class UpdateDueFilter(admin.SimpleListFilter):
    title = _("update")
    parameter_name = "update"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("not_due", _("Not yet due")), ("ended", _("Final status reached"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return selectors.update_due(queryset)
        if self.value() == "not_due":
            return selectors.update_not_yet_due(queryset)
        if self.value() == "ended":
            return queryset.filter(follow_up_ended=True)
        return queryset


@admin.register(RecommendationFollowUp)
class RecommendationFollowUpAdmin(admin.ModelAdmin):
    """"Follow-up due": the accepted recommendations of published outcomes, when each one's next update is due."""

    list_display = ("__str__", "event", "latest_status", "last_reported_on", "next_update_due", "overdue")
    list_filter = (
        UpdateDueFilter,
        ("session__event", admin.RelatedOnlyFieldListFilter),
        ("framework_area", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("text", "translation_en", "translation_ru", "translation_ky")
    list_select_related = ("session__event",)
    fields = ("session", "text", "framework_area", "addressed_to", "next_update_due")
    readonly_fields = fields
    inlines = [FollowUpUpdateInline]

    def get_queryset(self, request):
        return selectors.with_follow_up_updates(selectors.followed_recommendations().order_by("last_reported_on", "pk"))

    def has_add_permission(self, request):
        return False  # Every accepted recommendation of a published outcome is here already.

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("event"), ordering="session__event__starts_at")
    def event(self, recommendation):
        return recommendation.session.event

    @admin.display(description=_("addressed to"))
    def addressed_to(self, recommendation):
        return ", ".join(str(addressee) for addressee in recommendation.addressees.all())

    @admin.display(description=_("latest status"))
    def latest_status(self, recommendation):
        return recommendation.updates[0].status if recommendation.updates else _("No update yet")

    @admin.display(description=_("last reported on"), ordering="last_reported_on")
    def last_reported_on(self, recommendation):
        return recommendation.last_reported_on

    @admin.display(description=_("next update due"))
    def next_update_due(self, recommendation):
        return "—" if recommendation.follow_up_ended else selectors.next_update_due(recommendation)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, recommendation):
        return not recommendation.follow_up_ended and selectors.next_update_due(recommendation) <= timezone.localdate()

    def save_model(self, request, obj, form, change):
        pass  # Only its updates are recorded here; the recommendation itself does not change.

    def construct_change_message(self, request, form, formsets, add=False):
        # Said before save_formset records the updates (Django's own message reads what formset.save() returns).
        return [
            {"added": {"name": str(FollowUpUpdate._meta.verbose_name), "object": str(inline.cleaned_data["status"])}}
            for formset in formsets
            for inline in formset.extra_forms
            if inline.has_changed()
        ]

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.extra_forms:
            if not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            services.record_follow_up(
                form.instance,
                by=request.user,
                status=data["status"],
                date=data["date"],
                body=data.get("body"),
                evidence_url=data.get("evidence_url", ""),
                evidence_file=data.get("evidence_file"),
                note=data.get("note", ""),
            )
