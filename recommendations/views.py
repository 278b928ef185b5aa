"""The facilitators' pages for a session's results: its report, quotes and recommendations.

Every page looks its session up among the sessions the user may report on,
so any other session's address answers 404, whether typed or tampered with.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views import View

from agenda.models import Event
from agenda.views import FacilitatorRequiredMixin
from participants.views import PersonalPageMixin, session_participant

from . import follow_up, outcome, services
from .forms import EndorsementForm, FollowUpFilterForm, QuoteForm, RecommendationForm, ReportForm, initial_from_typed, typed_values
from .models import Endorsement, FollowUpUpdate, Quote, Recommendation, RecommendationStatus, SessionReport


class SessionLookupMixin:
    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(services.sessions_for_reporting(request.user), pk=kwargs["session_pk"])
        return super().dispatch(request, *args, **kwargs)


class SessionPageMixin(FacilitatorRequiredMixin, SessionLookupMixin):
    """Anonymous visitors log in, people who are not facilitators are told so, other sessions are not found."""

    http_method_names = ["get", "post"]

    def recommendation(self, pk):
        return get_object_or_404(Recommendation.objects.filter(session=self.session), pk=pk)


def _add_errors(form, error):
    # A rule broken in services (the session has not started, a submitted
    # recommendation) shows on the form like any other mistake.
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class DraftRestoringMixin(SessionPageMixin):
    """A form that shows what the person typed but did not save, and keeps it while they type."""

    form_class = None

    def draft_key(self):
        raise NotImplementedError

    def form_kwargs(self):
        return {}

    def unsaved_form(self, instance):
        """The form for a GET: the record as saved, or what was typed since, if anything was."""
        kwargs = {"instance": instance, **self.form_kwargs()}
        draft = services.form_draft(self.request.user, self.draft_key())
        saved_at = getattr(instance, "updated_at", None)
        if draft is None or (saved_at and draft.saved_at < saved_at):
            return self.form_class(**kwargs), None
        return self.form_class(initial=initial_from_typed(self.form_class, draft.data, **kwargs), **kwargs), draft

    def keep_typed(self):
        services.save_form_draft(self.request.user, self.draft_key(), typed_values(self.request.POST))


class ReportView(DraftRestoringMixin, View):
    template_name = "recommendations/session_report.html"
    form_class = ReportForm

    def draft_key(self):
        return f"report:{self.session.pk}"

    def report(self):
        return SessionReport.objects.filter(session=self.session).first()

    def get(self, request, session_pk):
        form, draft = self.unsaved_form(self.report())
        return self.render(form, draft)

    def post(self, request, session_pk):
        self.keep_typed()
        form = ReportForm(request.POST, instance=self.report())
        if form.is_valid():
            try:
                services.save_report(self.session, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                services.discard_form_draft(request.user, self.draft_key())
                messages.success(request, _("The report is saved."))
                return redirect("recommendations:session_report", session_pk=self.session.pk)
        return self.render(form, None)

    def render(self, form, draft, quote_form=None):
        report = self.report()
        return render(
            self.request,
            self.template_name,
            {
                "session": self.session,
                "report": report,
                "report_open": services.report_is_open(self.session),
                "outcome_is_final": services.outcome_is_final(self.session.event_id),
                "form": form,
                "draft": draft,
                "quotes": report.quotes.select_related("participant") if report else [],
                "quote_form": quote_form or QuoteForm(session=self.session),
                "recommendations": self.session.recommendations.select_related("framework_area", "merged_into")
                .prefetch_related("addressees")
                .order_by("created_at", "pk"),
            },
        )


class QuoteAddView(ReportView):
    http_method_names = ["post"]

    def post(self, request, session_pk):
        quote_form = QuoteForm(request.POST, session=self.session)
        if quote_form.is_valid():
            try:
                services.add_quote(self.session, by=request.user, **quote_form.cleaned_data)
            except ValidationError as error:
                _add_errors(quote_form, error)
            else:
                messages.success(request, _("The quote is added."))
                return redirect(reverse("recommendations:session_report", kwargs={"session_pk": self.session.pk}) + "#quotes")
        form, draft = self.unsaved_form(self.report())
        return self.render(form, draft, quote_form=quote_form)


class QuoteDeleteView(SessionPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, session_pk, pk):
        quote = get_object_or_404(Quote.objects.filter(report__session=self.session), pk=pk)
        try:
            services.delete_quote(quote, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The quote is removed."))
        return redirect("recommendations:session_report", session_pk=self.session.pk)


class RecommendationFormView(DraftRestoringMixin, View):
    template_name = "recommendations/recommendation_form.html"
    form_class = RecommendationForm

    def dispatch(self, request, *args, **kwargs):
        self.pk = kwargs.get("pk")
        return super().dispatch(request, *args, **kwargs)

    def draft_key(self):
        return f"recommendation:{self.pk}" if self.pk else f"recommendation:new:{self.session.pk}"

    def form_kwargs(self):
        return {"session": self.session}

    def instance(self):
        return self.recommendation(self.pk) if self.pk else Recommendation(session=self.session)

    def get(self, request, session_pk, pk=None):
        recommendation = self.instance()
        if recommendation.status != RecommendationStatus.DRAFT:
            return render(request, "recommendations/recommendation_detail.html", {"recommendation": recommendation})
        form, draft = self.unsaved_form(recommendation)
        return self.render(form, draft, recommendation)

    def post(self, request, session_pk, pk=None):
        recommendation = self.instance()
        if recommendation.status != RecommendationStatus.DRAFT:
            messages.error(request, _("Only a draft can be changed: this recommendation has been submitted."))
            return redirect("recommendations:session_report", session_pk=self.session.pk)
        self.keep_typed()
        form = RecommendationForm(request.POST, instance=recommendation, session=self.session)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(recommendation, form.cleaned_data)
                    if "submit" in request.POST:
                        services.submit(saved, by=request.user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                services.discard_form_draft(request.user, self.draft_key())
                if "submit" in request.POST:
                    messages.success(request, _("The recommendation is submitted to the organisers."))
                else:
                    messages.success(request, _("The recommendation is saved as a draft."))
                if "add_another" in request.POST:
                    return redirect("recommendations:add_recommendation", session_pk=self.session.pk)
                return redirect(
                    reverse("recommendations:session_report", kwargs={"session_pk": self.session.pk}) + "#recommendations"
                )
        return self.render(form, None, recommendation)

    def save(self, recommendation, data):
        if recommendation.pk:
            return services.edit_recommendation(recommendation, by=self.request.user, **data)
        return services.add_recommendation(self.session, by=self.request.user, **data)

    def render(self, form, draft, recommendation):
        return render(
            self.request,
            self.template_name,
            {
                "session": self.session,
                "report_open": services.report_is_open(self.session),
                "form": form,
                "draft": draft,
                "recommendation": recommendation,
            },
        )


class RecommendationSubmitView(SessionPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, session_pk, pk):
        try:
            services.submit(self.recommendation(pk), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The recommendation is submitted to the organisers."))
        return redirect("recommendations:session_report", session_pk=self.session.pk)


class RecommendationDeleteView(SessionPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, session_pk, pk):
        try:
            services.delete_draft(self.recommendation(pk), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            services.discard_form_draft(request.user, f"recommendation:{pk}")
            messages.success(request, _("The draft is deleted."))
        return redirect(
            reverse("recommendations:session_report", kwargs={"session_pk": self.session.pk}) + "#recommendations"
        )


class FormDraftView(SessionPageMixin, View):
    """Keeps what is typed into a form while it is typed (autosave.js posts here), or forgets it."""

    http_method_names = ["post"]

    def post(self, request, session_pk, pk=None, form=None):
        if form == "report":
            key, back = f"report:{self.session.pk}", ("recommendations:session_report", {"session_pk": self.session.pk})
        elif pk is None:
            key = f"recommendation:new:{self.session.pk}"
            back = ("recommendations:add_recommendation", {"session_pk": self.session.pk})
        else:
            if self.recommendation(pk).status != RecommendationStatus.DRAFT:
                raise Http404
            key = f"recommendation:{pk}"
            back = ("recommendations:edit_recommendation", {"session_pk": self.session.pk, "pk": pk})
        if "discard" in request.POST:
            services.discard_form_draft(request.user, key)
            messages.info(request, _("What you typed since the last save is discarded."))
            return redirect(back[0], **back[1])
        draft = services.save_form_draft(request.user, key, typed_values(request.POST))
        saved_at = time_format(timezone.localtime(draft.saved_at), "TIME_FORMAT")
        return JsonResponse({"saved_at": draft.saved_at.isoformat(), "message": _("Draft kept (%(time)s).") % {"time": saved_at}})


def _event_and_publication(slug, step):
    """A published event (or 404) and its outcome publication if the given step (a date field) has been taken."""
    event = get_object_or_404(Event.objects.published(), slug=slug)
    publication = services.outcome_publication(event)
    return event, publication if publication and getattr(publication, step) else None


class ParticipantOutcomeView(PersonalPageMixin, View):
    """The draft outcome on a participant's own pages: agree or not with each recommendation until the closing date.

    Reached like the rest of her pages, through her personal link; nothing on
    it depends on an account. Her answers are on it: no cache keeps it.
    """

    template_name = "recommendations/participant_outcome.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, slug):
        self.event, self.publication = _event_and_publication(slug, "draft_published_at")
        self.participant = session_participant(request, self.event)
        if self.participant is None:
            return render(request, "participants/link_problem.html", {"problem": "no_session"}, status=403)
        if self.publication is None:
            return self.render_page("not_published", status=404)
        if not self.participant.holds_seat:
            return self.render_page("not_allowed", status=403)
        return super().dispatch(request, slug)

    def get(self, request, slug):
        return self.render_page(self.state())

    def post(self, request, slug):
        """Every answer on the page at once: on a slow line, one sending rather than one per recommendation."""
        accepted = Recommendation.objects.for_event(self.event).filter(status=RecommendationStatus.ACCEPTED)
        forms = {recommendation: self.answer_form(recommendation.pk, request.POST) for recommendation in accepted}
        if not all([form.is_valid() for form in forms.values()]):  # a list: every form shows its errors
            return self.render_page(self.state(), bound={r.pk: form for r, form in forms.items()}, status=400)
        answers = {recommendation: answer for recommendation, form in forms.items() if (answer := form.answer())}
        back = reverse("recommendations:participant_outcome", kwargs={"slug": slug})
        if not answers:
            messages.warning(request, _("Please choose “I agree” or “I do not agree” for at least one recommendation."))
            return redirect(back)
        try:
            services.endorse_all(self.participant, answers)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request, _("Thank you: your answers are saved. You can change them until the closing date.")
            )
        return redirect(back)

    def state(self):
        return "open" if self.publication.is_open() else "closed"

    def answer_form(self, pk, data=None, endorsement=None):
        return EndorsementForm(data, endorsement=endorsement, prefix=f"r{pk}")

    def render_page(self, state, bound=None, status=200):
        content = None
        if state in ("open", "closed"):
            version = services.published_version(self.event)
            # Once the final outcome is out, she reads what was published, as everybody does.
            content = outcome.published(version, self.request.LANGUAGE_CODE) if version else outcome.gather(
                self.event, self.request.LANGUAGE_CODE
            )
            answers = {e.recommendation_id: e for e in Endorsement.objects.filter(participant=self.participant)}
            for row in content.recommendations:
                row.endorsement = answers.get(row.pk)
                row.form = (bound or {}).get(row.pk) or self.answer_form(row.pk, endorsement=row.endorsement)
        return render(
            self.request,
            self.template_name,
            {
                "event": self.event,
                "participant": self.participant,
                "publication": self.publication,
                "state": state,
                "content": content,
            },
            status=status,
        )


def public_outcome(request, slug):
    """The final outcome as the organisers last published it; a new version in preparation shows only once published."""
    event, publication = _event_and_publication(slug, "final_published_at")
    version = services.published_version(event) if publication else None
    if version is None:
        raise Http404
    return render(
        request,
        "recommendations/public_outcome.html",
        {"event": event, "publication": publication, "content": outcome.published(version, request.LANGUAGE_CODE)},
    )


def follow_up_tracker(request, slug=None):
    """Where each published recommendation stands in the plan: of one event (once its outcome is published), or of all.

    `?export=csv` or `?export=xlsx` gives the rows shown as a file.
    """
    if slug is None:
        event, events = None, list(Event.objects.published().order_by("-starts_at"))
    else:
        event = get_object_or_404(Event.objects.published(), slug=slug)
        if services.published_version(event) is None:
            raise Http404
        events = [event]
    tracker = follow_up.gather(events, request.LANGUAGE_CODE)
    published = [published_event for published_event, _version in follow_up.published_events(events)]
    form = FollowUpFilterForm(request.GET, tracker=tracker, events=None if event else published)
    shown = follow_up.filtered(tracker, **form.filters())
    export = request.GET.get("export")
    if export in follow_up.RENDERERS:
        render_file, content_type = follow_up.RENDERERS[export]
        response = HttpResponse(render_file(shown), content_type=content_type)
        name = f"{event.slug}-follow-up" if event else "follow-up"
        response["Content-Disposition"] = f'attachment; filename="{name}-{request.LANGUAGE_CODE}.{export}"'
        return response
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "recommendations/follow_up.html",
        {"event": event, "tracker": shown, "form": form, "query": query.urlencode()},
    )


def follow_up_evidence(request, slug, pk):
    """A document given as evidence of a published recommendation's follow-up, always as a download."""
    event = get_object_or_404(Event.objects.published(), slug=slug)
    version = services.published_version(event)
    if version is None:
        raise Http404
    update = get_object_or_404(
        FollowUpUpdate.objects.exclude(evidence_file="").filter(recommendation__session__event=event), pk=pk
    )
    if update.recommendation_id not in {row.pk for row in outcome.published(version, request.LANGUAGE_CODE).recommendations}:
        raise Http404
    try:
        handle = update.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=update.evidence_file.name.rsplit("/", 1)[-1])
