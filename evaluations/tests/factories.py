import datetime

from django.utils import timezone

from agenda.tests.factories import EventFactory
from participants.models import Status
from participants.tests.factories import ParticipantFactory

from evaluations import services


def evaluation_after_the_event(**event_fields):
    """An event that ended yesterday, with its default evaluation form open for another week."""
    now = timezone.now()
    event = EventFactory(
        starts_at=now - datetime.timedelta(days=1, hours=8), ends_at=now - datetime.timedelta(days=1), **event_fields
    )
    return services.add_evaluation_form(event, closes_at=now + datetime.timedelta(days=7))


def attended(evaluation, **fields):
    return ParticipantFactory(event=evaluation.event, status=Status.ATTENDED, **fields)
