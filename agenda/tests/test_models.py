import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from agenda.models import Event, RegistrationState

from .factories import EventFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_event_ending_before_it_starts_is_rejected_with_a_message():
    event = EventFactory.build(starts_at=timezone.now(), ends_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="The event must end after it starts"):
        event.full_clean()


def test_event_ending_before_it_starts_is_refused_by_the_database():
    event = EventFactory()
    with pytest.raises(IntegrityError):
        Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at - datetime.timedelta(minutes=1))


def test_registration_closing_before_it_opens_is_rejected():
    now = timezone.now()
    event = EventFactory.build(registration_opens_at=now, registration_closes_at=now - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="Registration must close after it opens"):
        event.full_clean()


def test_event_with_no_capacity_is_rejected():
    event = EventFactory.build(capacity=0)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "capacity" in error.value.message_dict


def test_upcoming_and_past_events_are_split_by_their_end():
    now = timezone.now()
    running = EventFactory(starts_at=now - datetime.timedelta(hours=2), ends_at=now + datetime.timedelta(hours=2))
    later = EventFactory(starts_at=now + datetime.timedelta(days=9))
    soon = EventFactory(starts_at=now + datetime.timedelta(days=1))
    ended = EventFactory(starts_at=now - datetime.timedelta(days=3), ends_at=now - datetime.timedelta(days=3, hours=-8))
    long_ago = EventFactory(starts_at=now - datetime.timedelta(days=300), ends_at=now - datetime.timedelta(days=299))

    assert list(Event.objects.upcoming(now)) == [running, soon, later]
    assert list(Event.objects.past(now)) == [ended, long_ago]


def test_unpublished_events_are_not_listed_as_published():
    published = EventFactory(is_published=True)
    EventFactory(is_published=False)
    assert list(Event.objects.published()) == [published]


@pytest.mark.parametrize(
    ("open_registration", "opens_in_days", "closes_in_days", "starts_in_days", "expected"),
    [
        (True, -5, 5, 10, RegistrationState.OPEN),
        (False, -5, 5, 10, RegistrationState.INVITATION_ONLY),
        (True, 2, 5, 10, RegistrationState.NOT_OPEN_YET),
        (True, -5, -1, 10, RegistrationState.CLOSED),
        (True, None, None, 10, RegistrationState.OPEN),
        (True, -5, -1, -3, RegistrationState.ENDED),
    ],
)
def test_registration_state_follows_the_dates(open_registration, opens_in_days, closes_in_days, starts_in_days, expected):
    now = timezone.now()

    def days(n):
        return None if n is None else now + datetime.timedelta(days=n)

    event = EventFactory.build(
        open_registration=open_registration,
        registration_opens_at=days(opens_in_days),
        registration_closes_at=days(closes_in_days),
        starts_at=days(starts_in_days),
        ends_at=days(starts_in_days) + datetime.timedelta(hours=8),
    )
    assert event.registration_state(now) == expected


def test_registration_is_closed_once_the_event_has_started():
    now = timezone.now()
    event = EventFactory.build(
        open_registration=True, starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=5)
    )
    assert event.registration_state(now) == RegistrationState.CLOSED


def test_track_colour_must_be_a_hex_colour():
    track = TrackFactory.build(event=EventFactory(), colour="red")
    with pytest.raises(ValidationError, match="six hexadecimal digits"):
        track.full_clean()


def test_tracks_are_listed_in_their_order():
    event = EventFactory()
    third = TrackFactory(event=event, order=3)
    first = TrackFactory(event=event, order=1)
    assert list(event.tracks.all()) == [first, third]


def test_partner_organisations_are_read_one_per_line():
    event = EventFactory.build(partner_organisations="Rosa Otunbayeva Initiative\n\n  Women MPs Forum  \n")
    assert event.partner_organisation_list == ["Rosa Otunbayeva Initiative", "Women MPs Forum"]
