import pytest
from django.forms.models import model_to_dict

from agenda.models import Session
from dialogue_event.demo import OSH_SESSIONS, load_demo

pytestmark = pytest.mark.django_db


def sessions_snapshot():
    return [
        {
            **model_to_dict(session, exclude=["facilitators"]),
            "facilitators": list(session.facilitators.values_list("username", flat=True)),
        }
        for session in Session.objects.order_by("pk")
    ]


def test_demo_day_runs_from_the_opening_to_the_closing_in_bishkek_time():
    event = load_demo().event

    sessions = list(event.sessions.order_by("starts_at", "track__order"))

    assert len(sessions) == len(OSH_SESSIONS) == 10
    assert sessions[0].starts_at == event.starts_at
    assert sessions[-1].ends_at == event.ends_at
    assert sessions[0].starts_at.isoformat() == "2021-06-03T03:00:00+00:00"  # 9:00 in Bishkek
    assert [session.track.order for session in sessions if session.track_id] == [1, 2, 3, 1, 2, 3]
    assert [session.is_break for session in sessions].count(True) == 1
    for session in sessions:
        assert session.title_en and session.title_ru and session.title_ky
        session.full_clean()  # inside the event, no room double-booked


def test_demo_facilitator_leads_the_first_tracks_sessions():
    event = load_demo().event

    led = event.sessions.filter(facilitators__username="facilitator")

    assert led.count() == 2
    assert {session.track.order for session in led} == {1}


def test_load_demo_run_twice_leaves_the_programme_as_it_was():
    load_demo()
    first = sessions_snapshot()

    load_demo()

    assert sessions_snapshot() == first


def test_load_demo_keeps_the_programme_an_organiser_changed():
    event = load_demo().event
    event.sessions.filter(is_break=True).delete()

    load_demo()

    assert event.sessions.count() == len(OSH_SESSIONS) - 1
