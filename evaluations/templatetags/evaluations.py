from dataclasses import dataclass

from django import template

from ..models import EvaluationForm
from ..selectors import has_answered, may_answer

register = template.Library()


@dataclass
class Invitation:
    form: EvaluationForm
    answered: bool


@register.simple_tag
def evaluation_for(participant):
    """What her own page says of the evaluation: nothing, an invitation to answer, or thanks once she has."""
    if not may_answer(participant):
        return None
    form = EvaluationForm.objects.filter(event=participant.event_id).first()
    if form is None:
        return None
    answered = has_answered(form, participant)
    return Invitation(form, answered) if answered or form.is_open() else None
