import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from agenda.services import timetable
from dialogue_event.demo import MAIN_HALL, OSH_SESSIONS, OSH_TRACKS, ROOM_A, load_demo

from .factories import EventFactory, FacilitatorFactory, SessionFactory, TrackFactory

pytestmark = pytest.mark.django_db

BISHKEK = ZoneInfo("Asia/Bishkek")


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"agenda:{name}", kwargs=kwargs)


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_osh_timetable_reads_in_each_language(client, language):
    event = load_demo().event

    response = client.get(url("timetable", language, slug=event.slug))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    for session in OSH_SESSIONS:
        assert escape(session[f"title_{language}"]) in page
    for track in OSH_TRACKS:
        assert escape(track[f"title_{language}"]) in page
    for room in (MAIN_HALL, ROOM_A):
        assert escape(room[f"room_{language}"]) in page


def test_osh_timetable_puts_the_tracks_side_by_side_between_plenaries(client):
    event = load_demo().event

    tracks, rows = timetable(event)

    assert [track.order for track in tracks] == [1, 2, 3]
    shape = [
        row.session.title_en if row.session else [[session.track.order for session in cell] for cell in row.cells]
        for row in rows
    ]
    assert shape == [
        "Opening: why women's voices matter for peace",
        [[1], [2], [3]],
        "Lunch",
        [[1], [2], [3]],
        "Plenary: each track presents its recommendations",
        "Closing: the next steps for the recommendations",
    ]


def test_timetable_leaves_a_track_without_a_session_empty():
    event = EventFactory()
    first, second = TrackFactory(event=event, order=1), TrackFactory(event=event, order=2)
    SessionFactory(event=event, track=second)

    tracks, rows = timetable(event)

    assert tracks == [first, second]
    assert [len(cell) for cell in rows[0].cells] == [0, 1]


def test_timetable_links_each_session_to_its_page_and_shows_track_colours(client):
    event = EventFactory()
    track = TrackFactory(event=event, colour="#2e7d5b")
    session = SessionFactory(event=event, track=track, title="How aid reached women")
    lunch = SessionFactory(event=event, title="Lunch", is_break=True, starts_at=session.ends_at)

    page = client.get(url("timetable", slug=event.slug)).content.decode()

    assert f'href="{session.get_absolute_url()}"' in page
    assert "--track-colour: #2e7d5b" in page
    assert lunch.get_absolute_url() not in page
    assert url("event_calendar", slug=event.slug) in page


def test_event_page_links_to_its_agenda_and_calendar(client):
    event = load_demo().event

    page = client.get(event.get_absolute_url()).content.decode()

    assert url("timetable", slug=event.slug) in page
    assert url("event_calendar", slug=event.slug) in page


def test_event_without_sessions_has_no_agenda_link(client):
    event = EventFactory()

    page = client.get(event.get_absolute_url()).content.decode()

    assert url("timetable", slug=event.slug) not in page


def test_session_page_shows_description_room_facilitators_and_track_colour(client):
    event = EventFactory()
    track = TrackFactory(event=event, title="Humanitarian aid", colour="#b5446e")
    facilitator = FacilitatorFactory(first_name="Gulnara", last_name="Esenbaeva")
    session = SessionFactory(
        event=event,
        track=track,
        title="How aid reached women",
        description="Who received aid, and who did not.",
        room="Room B",
        interpretation_languages=["ky", "ru"],
        facilitators=[facilitator],
    )

    response = client.get(session.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    for text in ["How aid reached women", "Who received aid, and who did not.", "Room B", "Gulnara Esenbaeva",
                 "Humanitarian aid", "--track-colour: #b5446e", "Kyrgyz, Russian"]:  # fmt: skip
        assert text in page
    assert url("session_calendar", slug=event.slug, pk=session.pk) in page


def test_session_page_reads_in_kyrgyz_from_the_translated_content(client):
    event = load_demo().event
    session = event.sessions.get(title_en=OSH_SESSIONS[1]["title_en"])

    with translation.override("ky"):
        page = client.get(session.get_absolute_url()).content.decode()

    assert escape(OSH_SESSIONS[1]["title_ky"]) in page
    assert escape(OSH_TRACKS[0]["title_ky"]) in page


def test_session_of_another_event_is_not_found(client):
    session = SessionFactory()
    other = EventFactory()
    assert client.get(url("session_detail", slug=other.slug, pk=session.pk)).status_code == 404


def test_agenda_of_an_unpublished_event_is_not_found(client):
    session = SessionFactory(event=EventFactory(is_published=False))
    slug = session.event.slug
    assert client.get(url("timetable", slug=slug)).status_code == 404
    assert client.get(url("event_calendar", slug=slug)).status_code == 404
    assert client.get(session.get_absolute_url()).status_code == 404
    assert client.get(url("session_calendar", slug=slug, pk=session.pk)).status_code == 404


def parse_calendar(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_agenda_calendar_holds_every_session_in_bishkek_time(client):
    event = load_demo().event

    calendar = parse_calendar(client.get(url("event_calendar", slug=event.slug)))

    entries = calendar.walk("VEVENT")
    assert len(entries) == len(OSH_SESSIONS) == event.sessions.count()
    opening = entries[0]
    assert str(opening["SUMMARY"]) == OSH_SESSIONS[0]["title_en"]
    assert opening["DTSTART"].params["TZID"] == "Asia/Bishkek"
    assert opening.decoded("DTSTART") == datetime.datetime(2021, 6, 3, 9, 0, tzinfo=BISHKEK)
    assert opening.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=6)
    assert opening.decoded("DTEND") == datetime.datetime(2021, 6, 3, 10, 0, tzinfo=BISHKEK)
    assert [timezone.tz_name for timezone in calendar.timezones] == ["Asia/Bishkek"]
    assert len({str(entry["UID"]) for entry in entries}) == len(entries)
    assert "Main hall" in str(opening["LOCATION"])


def test_agenda_calendar_is_in_the_language_of_its_address(client):
    event = load_demo().event

    calendar = parse_calendar(client.get(url("event_calendar", "ru", slug=event.slug)))

    summaries = [str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")]
    assert summaries == [session["title_ru"] for session in OSH_SESSIONS]


def test_session_calendar_holds_that_session_with_its_track_and_facilitators(client):
    event = load_demo().event
    session = event.sessions.get(title_en=OSH_SESSIONS[1]["title_en"])

    response = client.get(url("session_calendar", slug=event.slug, pk=session.pk))

    assert f'filename="osh-dialogue-2021-session-{session.pk}.ics"' in response["Content-Disposition"]
    (entry,) = parse_calendar(response).walk("VEVENT")
    assert entry.decoded("DTSTART") == datetime.datetime(2021, 6, 3, 10, 15, tzinfo=BISHKEK)
    assert entry.decoded("DTEND") == datetime.datetime(2021, 6, 3, 12, 30, tzinfo=BISHKEK)
    assert OSH_TRACKS[0]["title_en"] in str(entry["DESCRIPTION"])
    assert "Demo Facilitator" in str(entry["DESCRIPTION"])
    assert str(entry["URL"]).endswith(session.get_absolute_url())


def test_timetable_of_a_several_day_event_is_headed_by_day(client):
    event = EventFactory(
        starts_at=datetime.datetime(2030, 6, 3, 9, 0, tzinfo=BISHKEK),
        ends_at=datetime.datetime(2030, 6, 4, 17, 0, tzinfo=BISHKEK),
    )
    SessionFactory(event=event, title="First day")
    SessionFactory(event=event, title="Second day", starts_at=datetime.datetime(2030, 6, 4, 9, 0, tzinfo=BISHKEK))

    page = client.get(url("timetable", slug=event.slug)).content.decode()

    assert page.index("3 June 2030") < page.index("First day") < page.index("4 June 2030") < page.index("Second day")
