"""The evaluation on a participant's own pages, reached through her personal link."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from agenda.models import Event
from participants.views import PersonalPageMixin, session_participant

from . import services
from .forms import EvaluationAnswersForm
from .models import EvaluationForm
from .selectors import has_answered, may_answer


class ParticipantEvaluationView(PersonalPageMixin, View):
    """The form, for a person who came, once, until its closing date; a late or second answer is refused kindly."""

    template_name = "evaluations/participant_evaluation.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, slug):
        self.event = get_object_or_404(Event.objects.published(), slug=slug)
        self.participant = session_participant(request, self.event)
        if self.participant is None:
            return render(request, "participants/link_problem.html", {"problem": "no_session"}, status=403)
        self.evaluation = None
        if not may_answer(self.participant):
            return self.render_page("not_allowed", status=403)
        self.evaluation = EvaluationForm.objects.filter(event=self.event).first()
        if self.evaluation is None:
            return self.render_page("no_form", status=404)
        return super().dispatch(request, slug)

    def state(self):
        if has_answered(self.evaluation, self.participant):
            return "answered"
        if self.evaluation.is_open():
            return "open"
        return "closed" if timezone.now() >= self.evaluation.closes_at else "not_open"

    def get(self, request, slug):
        return self.render_page(self.state())

    def post(self, request, slug):
        state = self.state()
        if state != "open":
            return self.render_page(state, status=403)
        form = self.answers_form(request.POST)
        if not form.is_valid():
            return self.render_page("open", form=form, status=400)
        try:
            services.submit_answers(
                self.evaluation, self.participant, form.answers(), language=request.LANGUAGE_CODE
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Thank you: your answers are saved."))
        return redirect("evaluations:participant_evaluation", slug=slug)

    def answers_form(self, data=None):
        return EvaluationAnswersForm(data, questions=self.evaluation.questions.prefetch_related("choices"))

    def render_page(self, state, form=None, status=200):
        if state == "open" and form is None:
            form = self.answers_form()
        return render(
            self.request,
            self.template_name,
            {"event": self.event, "evaluation": self.evaluation, "state": state, "form": form},
            status=status,
        )
