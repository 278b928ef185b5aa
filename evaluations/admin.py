from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from agenda.models import Event
from dialogue_event.admin import NamedSplitDateTime

from . import results, services
from .models import Choice, EvaluationForm, Question, QuestionKind

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AddEvaluationForm(forms.Form):
    event = forms.ModelChoiceField(
        queryset=Event.objects.filter(evaluation_form__isnull=True).order_by("-starts_at"), label=_("Event")
    )
    opens_at = forms.SplitDateTimeField(
        label=_("Open from"), required=False, widget=NamedSplitDateTime(_("Open from")), help_text=_("Empty: when the event starts.")
    )
    closes_at = forms.SplitDateTimeField(
        label=_("Answers accepted until"),
        required=False,
        widget=NamedSplitDateTime(_("Answers accepted until")),
        help_text=_("Empty: two weeks after the event ends."),
    )


class LockedOnceAnsweredMixin:
    """Questions and choices cannot change once somebody has answered: the results would count different questions."""

    def _answered(self, obj):
        form = obj if isinstance(obj, EvaluationForm) else getattr(obj, "form", None)
        return form is not None and form.pk is not None and form.responses.exists()

    def has_add_permission(self, request, *obj):  # an inline is asked about its parent, a model admin is not
        return super().has_add_permission(request, *obj) and not self._answered(obj[0] if obj else None)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._answered(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._answered(obj)


class QuestionInline(LockedOnceAnsweredMixin, TranslationTabularInline):
    model = Question
    extra = 0
    fields = ("order", "kind", "text", "required", "choices_link")
    readonly_fields = ("choices_link",)

    @admin.display(description=_("choices"))
    def choices_link(self, question):
        if question.pk is None or question.kind not in QuestionKind.WITH_CHOICES:
            return "—"
        url = reverse("admin:evaluations_question_change", args=[question.pk])
        return format_html('<a href="{}">{}</a>', url, ", ".join(c.text for c in question.choices.all()) or "…")


@admin.register(EvaluationForm)
class EvaluationFormAdmin(TranslationAdmin):
    """An event's evaluation: the default questions added in one step, sent to the people who came, its results."""

    list_display = ("event", "opens_at", "closes_at", "answer_count", "results_link")
    list_select_related = ("event",)
    fields = ("event", "intro", "opens_at", "closes_at")
    readonly_fields = ("event",)
    inlines = [QuestionInline]
    actions = ["send_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_count=Count("responses"))

    @admin.display(description=_("answers"), ordering="answer_count")
    def answer_count(self, evaluation):
        return evaluation.answer_count

    @admin.display(description=_("results"))
    def results_link(self, evaluation):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">XLSX</a>',
            reverse("admin:evaluations_evaluationform_results", args=[evaluation.pk]),
            gettext("Results"),
            reverse("admin:evaluations_evaluationform_results_xlsx", args=[evaluation.pk]),
        )

    # Messages to a group of people: organisers only.
    def has_manage_people_permission(self, request):
        return request.user.has_perm("participants.manage_people")

    @admin.action(description=_("Send the evaluation to the people who came"), permissions=["manage_people"])
    def send_selected(self, request, queryset):
        for evaluation in queryset.select_related("event"):
            try:
                sent = services.send_evaluation(evaluation)
            except ValidationError as error:
                messages.error(request, f"{evaluation.event}: {' '.join(error.messages)}")
            else:
                messages.success(
                    request,
                    ngettext(
                        "“%(event)s”: the evaluation is sent to %(count)s person.",
                        "“%(event)s”: the evaluation is sent to %(count)s people.",
                        len(sent),
                    )
                    % {"event": evaluation.event, "count": len(sent)},
                )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/results/",
                self.admin_site.admin_view(self.results_view),
                name="evaluations_evaluationform_results",
            ),
            path(
                "<path:object_id>/results.xlsx",
                self.admin_site.admin_view(self.results_xlsx_view),
                name="evaluations_evaluationform_results_xlsx",
            ),
            *super().get_urls(),
        ]

    def _evaluation(self, request, object_id):
        if not request.user.has_perm("evaluations.view_response"):
            raise PermissionDenied
        return get_object_or_404(EvaluationForm.objects.select_related("event"), pk=object_id)

    def results_view(self, request, object_id):
        evaluation = self._evaluation(request, object_id)
        return TemplateResponse(
            request,
            "admin/evaluations/evaluationform/results.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Evaluation results: %(event)s") % {"event": evaluation.event},
                "opts": self.model._meta,
                "evaluation": evaluation,
                "results": results.gather(evaluation, translation.get_language()),
                "not_enough_answers": results.not_enough_answers(),
            },
        )

    def results_xlsx_view(self, request, object_id):
        evaluation = self._evaluation(request, object_id)
        language = translation.get_language()
        response = HttpResponse(
            results.render_xlsx(results.gather(evaluation, language)), content_type=XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{evaluation.event.slug}-evaluation-{language}.xlsx"'
        return response

    def add_view(self, request, form_url="", extra_context=None):
        """Add the default evaluation form (in three languages) to an event, then edit it on its page."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AddEvaluationForm(request.POST or None, initial={"event": request.GET.get("event")})
        if request.method == "POST" and form.is_valid():
            try:
                evaluation = services.add_evaluation_form(
                    form.cleaned_data["event"],
                    opens_at=form.cleaned_data["opens_at"],
                    closes_at=form.cleaned_data["closes_at"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("The evaluation form is added with the default questions: check them, then send it."),
                )
                return redirect("admin:evaluations_evaluationform_change", evaluation.pk)
        return TemplateResponse(
            request,
            "admin/evaluations/evaluationform/add_form.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Add the evaluation form"),
                "opts": self.model._meta,
                "form": form,
                "media": self.media + form.media,
            },
        )


class ChoiceInline(LockedOnceAnsweredMixin, TranslationTabularInline):
    model = Choice
    extra = 0
    fields = ("order", "text")


@admin.register(Question)
class QuestionAdmin(LockedOnceAnsweredMixin, TranslationAdmin):
    """A question's choices, reached from its form's page."""

    list_display = ("text", "form", "kind", "order")
    list_filter = (("form__event", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("form__event",)
    fields = ("form", "order", "kind", "text", "required")
    inlines = [ChoiceInline]

    def get_readonly_fields(self, request, obj=None):
        return ("form",) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "form":  # a form that has answers takes no new question
            kwargs["queryset"] = EvaluationForm.objects.filter(responses__isnull=True).select_related("event")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
