import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.forms import inlineformset_factory
from django.utils import timezone

from agenda.forms import SessionForm, SessionInlineFormSet
from agenda.models import Event, Session

from .factories import EventFactory, FacilitatorFactory, SessionFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def local(moment):
    """A datetime as a person types it into a form (in Asia/Bishkek)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_session_ending_before_it_starts_is_rejected():
    event = EventFactory()
    session = SessionFactory.build(event=event, starts_at=event.starts_at + HOUR, ends_at=event.starts_at)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["ends_at"] == ["The session must end after it starts."]


def test_session_ending_before_it_starts_is_refused_by_the_database():
    session = SessionFactory()
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(ends_at=session.starts_at - HOUR)


def test_session_before_the_event_starts_is_rejected_with_the_event_times():
    event = EventFactory()
    session = SessionFactory.build(event=event, starts_at=event.starts_at - HOUR, ends_at=event.starts_at + HOUR)
    with pytest.raises(ValidationError, match=r"The session must take place during the event \("):
        session.full_clean()


def test_session_after_the_event_ends_is_rejected():
    event = EventFactory()
    session = SessionFactory.build(event=event, starts_at=event.ends_at - HOUR, ends_at=event.ends_at + HOUR)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "starts_at" in error.value.message_dict


def test_session_filling_the_whole_event_is_accepted():
    event = EventFactory()
    SessionFactory.build(event=event, starts_at=event.starts_at, ends_at=event.ends_at).full_clean()


def test_two_sessions_in_one_room_at_once_are_rejected_naming_the_other():
    event = EventFactory()
    SessionFactory(event=event, title="Opening", room="Main hall", starts_at=event.starts_at)
    clash = SessionFactory.build(
        event=event, room="main hall ", starts_at=event.starts_at + datetime.timedelta(minutes=30)
    )
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    (message,) = error.value.message_dict["room_en"]
    assert "main hall is already taken at this time by “Opening”" in message


def test_back_to_back_sessions_may_share_a_room():
    event = EventFactory()
    SessionFactory(event=event, room="Main hall", starts_at=event.starts_at, ends_at=event.starts_at + HOUR)
    SessionFactory.build(
        event=event, room="Main hall", starts_at=event.starts_at + HOUR, ends_at=event.starts_at + 2 * HOUR
    ).full_clean()


def test_sessions_of_other_events_and_sessions_without_a_room_never_clash():
    event = EventFactory()
    SessionFactory(event=event, room="Main hall")
    other_event = EventFactory(starts_at=event.starts_at, ends_at=event.ends_at)
    SessionFactory.build(event=other_event, room="Main hall").full_clean()
    SessionFactory(event=event, room="")
    SessionFactory.build(event=event, room="").full_clean()


def test_room_double_booking_is_refused_by_the_database():
    event = EventFactory()
    SessionFactory(event=event, room="Room A")
    with pytest.raises(IntegrityError):
        # Straight to the database, as a second organiser saving at the same moment would.
        Session.objects.create(
            event=event, title="Clash", room="ROOM A", starts_at=event.starts_at, ends_at=event.starts_at + HOUR
        )


def test_session_track_must_belong_to_its_event():
    event = EventFactory()
    session = SessionFactory.build(event=event, track=TrackFactory())
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["track"] == ["Choose one of this event's tracks."]


def test_break_has_no_track():
    track = TrackFactory()
    session = SessionFactory.build(event=track.event, track=track, is_break=True)
    with pytest.raises(ValidationError, match="A break is for everybody"):
        session.full_clean()


def test_only_facilitators_may_be_rapporteurs():
    session = SessionFactory.build(event=EventFactory(), rapporteur=UserFactory())
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "rapporteur" in error.value.message_dict
    session.rapporteur = FacilitatorFactory()
    session.full_clean()


def form_data(event, **overrides):
    data = {
        "title": "Drafting recommendations",
        "starts_at": local(event.starts_at),
        "ends_at": local(event.starts_at + HOUR),
        "room_en": "Room B",
        "interpretation_languages": ["ky", "ru"],
    }
    return {**data, **overrides}


def test_session_form_offers_only_facilitators():
    facilitator = FacilitatorFactory(first_name="Gulnara", last_name="Esenbaeva")
    UserFactory(username="not-a-facilitator")

    choices = list(SessionForm().fields["facilitators"].choices)

    assert [label for _value, label in choices] == ["Gulnara Esenbaeva"]
    assert choices[0][0].value == facilitator.pk


def test_session_form_saves_a_session_with_its_languages_and_facilitators():
    event = EventFactory()
    facilitator = FacilitatorFactory()

    form = SessionForm(form_data(event, facilitators=[facilitator.pk]), instance=Session(event=event))

    assert form.is_valid(), form.errors
    session = form.save()
    assert session.interpretation_languages == ["ky", "ru"]
    assert session.get_interpretation_languages_display() == ["Kyrgyz", "Russian"]
    assert list(session.facilitators.all()) == [facilitator]


def test_facilitator_in_two_sessions_at_once_is_warned_with_the_other_session():
    event = EventFactory()
    facilitator = FacilitatorFactory(first_name="Aigul", last_name="Toktosunova")
    SessionFactory(event=event, title="Stories from the evacuation", facilitators=[facilitator])

    form = SessionForm(form_data(event, facilitators=[facilitator.pk]), instance=Session(event=event))

    assert not form.is_valid()
    (message,) = form.errors["facilitators"]
    assert message.startswith("Aigul Toktosunova also facilitates “Stories from the evacuation” (")
    assert "tick “A co-facilitator covers”" in message


def test_facilitator_clash_is_saved_when_a_co_facilitator_covers():
    event = EventFactory()
    facilitator = FacilitatorFactory()
    SessionFactory(event=event, facilitators=[facilitator])

    form = SessionForm(
        form_data(event, facilitators=[facilitator.pk], co_facilitator_covers="on"), instance=Session(event=event)
    )

    assert form.is_valid(), form.errors
    form.save()
    assert facilitator.facilitated_sessions.count() == 2


def test_accepted_facilitator_clash_is_not_raised_again_by_an_unrelated_edit():
    event = EventFactory()
    facilitator = FacilitatorFactory()
    SessionFactory(event=event, facilitators=[facilitator])
    session = SessionFactory(event=event, title="Old title", room="Room B", facilitators=[facilitator])

    form = SessionForm(form_data(event, facilitators=[facilitator.pk], title="New title"), instance=session)

    assert form.is_valid(), form.errors


def test_facilitator_may_run_back_to_back_sessions():
    event = EventFactory()
    facilitator = FacilitatorFactory()
    SessionFactory(event=event, facilitators=[facilitator])

    form = SessionForm(
        form_data(
            event,
            facilitators=[facilitator.pk],
            starts_at=local(event.starts_at + HOUR),
            ends_at=local(event.starts_at + 2 * HOUR),
        ),
        instance=Session(event=event),
    )

    assert form.is_valid(), form.errors


def test_facilitator_clash_across_events_is_warned():
    event = EventFactory()
    facilitator = FacilitatorFactory()
    SessionFactory(event=EventFactory(starts_at=event.starts_at), facilitators=[facilitator])

    form = SessionForm(form_data(event, facilitators=[facilitator.pk]), instance=Session(event=event))

    assert "facilitators" in form.errors


SessionFormSet = inlineformset_factory(
    Event,
    Session,
    form=SessionForm,
    formset=SessionInlineFormSet,
    fields=["title", "starts_at", "ends_at", "room_en", "room_ru", "room_ky", "facilitators"],
    extra=2,
)


def formset_data(rows, initial=0):
    data = {"sessions-TOTAL_FORMS": str(len(rows)), "sessions-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"sessions-{index}-{key}"] = value
    return data


def test_two_new_sessions_in_one_room_at_once_are_rejected_together():
    event = EventFactory()
    row = {
        "title": "A",
        "starts_at": local(event.starts_at),
        "ends_at": local(event.starts_at + HOUR),
        "room_en": "Room A",
    }

    formset = SessionFormSet(formset_data([row, {**row, "title": "B"}]), instance=event)

    assert not formset.is_valid()
    assert formset.errors[0] == {}
    assert formset.errors[1]["room_en"][0].startswith("Room A is already taken at this time by “A”")
    assert not Session.objects.exists()


def test_two_new_sessions_with_one_facilitator_need_the_co_facilitator_tick():
    event = EventFactory()
    facilitator = FacilitatorFactory()
    row = {
        "title": "A",
        "starts_at": local(event.starts_at),
        "ends_at": local(event.starts_at + HOUR),
        "facilitators": [facilitator.pk],
    }
    rows = [{**row, "room_en": "Room A"}, {**row, "title": "B", "room_en": "Room B"}]

    refused = SessionFormSet(formset_data(rows), instance=event)
    rows[1]["co_facilitator_covers"] = "on"
    accepted = SessionFormSet(formset_data(rows), instance=event)

    assert not refused.is_valid()
    assert "also facilitates “A”" in refused.errors[1]["facilitators"][0]
    assert accepted.is_valid(), accepted.errors
    accepted.save()
    assert facilitator.facilitated_sessions.count() == 2
