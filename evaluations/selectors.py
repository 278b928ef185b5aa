from participants.models import Participant, Status

from .models import Respondent


def may_answer(participant):
    """Only the people who came evaluate the event."""
    return participant.status == Status.ATTENDED and participant.erased_at is None


def still_to_answer(form):
    """The people who came and have not answered the form."""
    return (
        Participant.objects.filter(event=form.event_id, status=Status.ATTENDED, erased_at__isnull=True)
        .exclude(evaluations_answered__form=form)
        .order_by("pk")
    )


def has_answered(form, participant):
    return Respondent.objects.filter(form=form, participant=participant).exists()
