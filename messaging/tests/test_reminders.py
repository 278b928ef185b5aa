"""Reminders: written by beat's check when due, once each, with the place, the time and a calendar file."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from agenda.tests.factories import EventFactory, SessionFactory, TrackFactory
from messaging import services
from messaging.models import Message, MessageKind, MessageStatus, Reminder
from messaging.tasks import send_messages
from participants.models import Status
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_in_ten_days():
    starts_at = (timezone.now() + datetime.timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    return EventFactory(
        title_en="Dialogue in Osh", venue_en="Hotel Osh", starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=8)
    )


def test_new_event_gets_reminders_a_week_and_a_day_before(event_in_ten_days):
    assert sorted(event_in_ten_days.reminders.values_list("days_before", flat=True)) == [1, 7]


def test_due_reminder_is_written_once_even_if_beat_runs_twice(event_in_ten_days, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    registered = ParticipantFactory(event=event_in_ten_days, status=Status.REGISTERED, registered_at=long_ago)
    ParticipantFactory(event=event_in_ten_days, status=Status.WAITLISTED, registered_at=long_ago)
    ParticipantFactory(event=event_in_ten_days, status=Status.CANCELLED, registered_at=long_ago)
    a_week_before = event_in_ten_days.starts_at - datetime.timedelta(days=7)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.send_due_reminders(now=a_week_before - datetime.timedelta(minutes=1)) == 0
        assert services.send_due_reminders(now=a_week_before) == 1
        assert services.send_due_reminders(now=a_week_before + datetime.timedelta(minutes=10)) == 0

    reminder = Message.objects.get()
    assert (reminder.participant, reminder.kind) == (registered, MessageKind.REMINDER)
    assert "begins in 7 days" in reminder.body_text
    assert len(callbacks) == 1


def test_person_registering_after_a_reminder_fell_due_does_not_get_it(event_in_ten_days):
    a_week_before = event_in_ten_days.starts_at - datetime.timedelta(days=7)
    ParticipantFactory(
        event=event_in_ten_days, status=Status.REGISTERED, registered_at=a_week_before + datetime.timedelta(hours=1)
    )

    assert services.send_due_reminders(now=a_week_before + datetime.timedelta(days=1)) == 0
    assert services.send_due_reminders(now=event_in_ten_days.starts_at - datetime.timedelta(days=1)) == 1


def test_day_before_reminder_carries_the_place_the_track_and_a_calendar_of_the_persons_sessions(
    event_in_ten_days, smtp_inbox
):
    track, other_track = TrackFactory(event=event_in_ten_days, title="Border areas"), TrackFactory(event=event_in_ten_days)
    opening = SessionFactory(event=event_in_ten_days, title="Opening", track=None)
    SessionFactory(event=event_in_ten_days, title="Our track", track=track, starts_at=opening.ends_at)
    SessionFactory(event=event_in_ten_days, title="Not ours", track=other_track, starts_at=opening.ends_at)
    ParticipantFactory(
        event=event_in_ten_days, status=Status.REGISTERED, track=track, preferred_language="en",
        registered_at=timezone.now() - datetime.timedelta(days=30),
    )  # fmt: skip
    Reminder.objects.filter(event=event_in_ten_days, days_before=7).delete()

    services.send_due_reminders(now=event_in_ten_days.starts_at - datetime.timedelta(hours=20))
    send_messages([Message.objects.get().pk])

    received = smtp_inbox.messages[0]
    text = received.get_body(("plain",)).get_content()
    assert "tomorrow" in text and "Hotel Osh" in text and "Your discussion track: Border areas." in text
    attachment = next(part for part in received.iter_attachments() if part.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert sorted(str(entry["summary"]) for entry in calendar.walk("VEVENT")) == ["Opening", "Our track"]
    assert Message.objects.get().status == MessageStatus.SENT


def test_a_russian_speakers_calendar_names_the_room_in_russian(event_in_ten_days, smtp_inbox):
    SessionFactory(event=event_in_ten_days, title_en="Opening", room_en="Main hall", room_ru="Большой зал")
    ParticipantFactory(
        event=event_in_ten_days, status=Status.REGISTERED, preferred_language="ru",
        registered_at=timezone.now() - datetime.timedelta(days=30),
    )  # fmt: skip
    Reminder.objects.filter(event=event_in_ten_days, days_before=7).delete()

    services.send_due_reminders(now=event_in_ten_days.starts_at - datetime.timedelta(hours=20))
    send_messages([Message.objects.get().pk])

    attachment = next(
        part for part in smtp_inbox.messages[0].iter_attachments() if part.get_content_type() == "text/calendar"
    )
    (entry,) = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(entry["LOCATION"]).startswith("Большой зал, ")


def test_event_admin_shows_how_its_messages_are_going(admin_client, event_in_ten_days):
    participant = ParticipantFactory(event=event_in_ten_days)
    services.queue_message(participant, MessageKind.INVITATION)
    failed = services.queue_message(participant, MessageKind.CONFIRMATION)
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED)

    page = admin_client.get(f"/admin/agenda/event/{event_in_ten_days.pk}/change/").content.decode()

    assert "Queued: 1" in page and "Sent: 0" in page and "Failed: 1" in page
    assert f"?event__id__exact={event_in_ten_days.pk}&amp;status__exact=failed" in page
