"""What organisers see first in the admin: for each coming event, where its people stand and how its messages go."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from agenda.models import Event
from messaging.models import Message, MessageStatus
from participants.models import Participant, Status

# A dashboard, not a list: the events of the next months, the nearest first.
EVENTS_SHOWN = 5


@dataclass
class Figure:
    label: str
    count: int
    url: str


@dataclass
class EventFigures:
    event: Event
    people: list = field(default_factory=list)
    messages: list = field(default_factory=list)


def coming_events(now=None):
    """The events not over yet, each with its count of people per status and of messages per status (two queries)."""
    events = list(Event.objects.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")[:EVENTS_SHOWN])
    people = _counts(Participant.objects.filter(event__in=events))
    messages = _counts(Message.objects.filter(event__in=events))
    people_url = reverse("admin:participants_participant_changelist")
    messages_url = reverse("admin:messaging_message_changelist")
    return [
        EventFigures(
            event=event,
            people=[
                Figure(status.label, people.get((event.pk, status.value), 0), _filtered(people_url, event, status))
                for status in Status
            ],
            messages=[
                Figure(status.label, messages.get((event.pk, status.value), 0), _filtered(messages_url, event, status))
                for status in MessageStatus
            ],
        )
        for event in events
    ]


def _counts(queryset):
    rows = queryset.order_by().values_list("event_id", "status").annotate(n=Count("pk"))
    return {(event_id, status): n for event_id, status, n in rows}


def _filtered(url, event, status):
    return f"{url}?event__id__exact={event.pk}&status__exact={status.value}"
