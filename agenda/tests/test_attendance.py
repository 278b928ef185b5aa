import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from agenda.attendance import WALK_IN_ROWS
from agenda.tests.factories import (
    EventFactory,
    FacilitatorFactory,
    SessionFactory,
    TrackFactory,
    UserFactory,
)
from dialogue_event.roles import ensure_role_groups
from participants import services
from participants.models import Gender, Status, Visibility
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:agenda_event_changelist")


@pytest.fixture
def dialogue():
    """A plenary and two tracks' sessions, with people who chose each track, and some who may not be named."""
    event = EventFactory(title="Osh dialogue")
    peace, youth = TrackFactory(event=event, title="Тынчтык үчүн аялдар"), TrackFactory(event=event, title="Youth")
    hour = datetime.timedelta(hours=1)
    SessionFactory(event=event, title="Opening plenary", room="Main hall")
    SessionFactory(
        event=event, track=peace, title="Өңүт жана үмүт", room="Room A", starts_at=event.starts_at + hour
    )
    SessionFactory(event=event, track=youth, title="Youth talk", room="Room B", starts_at=event.starts_at + hour)
    SessionFactory(event=event, title="Lunch", is_break=True, room="", starts_at=event.starts_at + 2 * hour)
    seat = {"event": event, "status": Status.REGISTERED}
    people = {
        "gulnara": ParticipantFactory(**seat, track=peace, full_name="Гүлнара Өмүрбекова", organisation="Аялдар кеңеши",
                                      gender=Gender.WOMAN),
        "aibek": ParticipantFactory(**seat, track=youth, full_name="Aibek Youth", organisation="Youth centre", gender=Gender.MAN),
        "at_risk": ParticipantFactory(**seat, track=peace, full_name="Hidden Defender", at_risk=True),
        "counted": ParticipantFactory(**seat, track=peace, full_name="Counted Only", visibility=Visibility.COUNTED_ONLY),
        "waiting": ParticipantFactory(event=event, status=Status.WAITLISTED, track=peace, full_name="Waiting Person"),
    }  # fmt: skip
    return event, people


def _download(client, action, *events):
    return client.post(CHANGELIST_URL, {"action": action, "_selected_action": [event.pk for event in events]})


def _pages(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def _rows(text):
    """The numbered rows of a sheet's page: (number, the rest of the line)."""
    rows = []
    for line in text.splitlines():
        number, _space, rest = line.strip().partition(" ")
        if number.isdigit() and not re.fullmatch(r"/ \d+", rest):  # not the page number "1 / 3"
            rows.append((int(number), rest.strip()))
    return rows


def test_session_sheets_list_each_sessions_seat_holders_in_kyrgyz_letters_with_blank_rows(organiser_client, dialogue):
    event = dialogue[0]
    pages = _pages(_download(organiser_client, "attendance_sheets_per_session", event))

    # One sheet per session but the lunch, each on its own page, in time order; the header says where and when.
    assert len(pages) == 3
    plenary, peace, youth = pages
    assert "Osh dialogue" in plenary and "Opening plenary" in plenary and "Main hall" in plenary
    assert "Өңүт жана үмүт" in peace and "Тынчтык үчүн аялдар" in peace and "Room A" in peace
    assert "Youth talk" in youth and "Lunch" not in "".join(pages)

    # The plenary lists every seat-holder the export may name; a track's session only the track's.
    assert "Гүлнара Өмүрбекова" in plenary and "Aibek Youth" in plenary and "Аялдар кеңеши" in plenary
    assert "Гүлнара Өмүрбекова" in peace and "Aibek Youth" not in peace
    assert "Aibek Youth" in youth and "Гүлнара Өмүрбекова" not in youth
    for page in pages:
        assert "Hidden Defender" not in page and "Counted Only" not in page and "Waiting Person" not in page

    # Named people first, then a blank row for each person left out and eight for walk-ins, numbered on.
    assert [number for number, _rest in _rows(plenary)] == list(range(1, 2 + 2 + WALK_IN_ROWS + 1))
    assert [rest for _number, rest in _rows(peace)][1:] == [""] * (2 + WALK_IN_ROWS)
    assert _rows(youth)[0][1].startswith("Aibek Youth Youth centre Man")
    assert len(_rows(youth)) == 1 + WALK_IN_ROWS


def test_track_sheets_list_the_tracks_people_for_the_day(organiser_client, dialogue):
    event = dialogue[0]
    peace, youth = _pages(_download(organiser_client, "attendance_sheets_per_track", event))
    assert "Тынчтык үчүн аялдар" in peace and "Room A" in peace
    assert "Гүлнара Өмүрбекова" in peace and "Aibek Youth" not in peace and "Hidden Defender" not in peace
    assert len(_rows(peace)) == 1 + 2 + WALK_IN_ROWS
    assert "Aibek Youth" in youth and len(_rows(youth)) == 1 + WALK_IN_ROWS


def test_a_track_sheet_names_its_room_once_in_the_organisers_language(organiser_client):
    event = EventFactory(title="Osh dialogue")
    track = TrackFactory(event=event, title="Peace")
    SessionFactory(event=event, track=track, room_en="Room A", room_ky="A залы")
    # The same room, typed again without its Kyrgyz name for the afternoon.
    SessionFactory(event=event, track=track, room_en="room a", starts_at=event.starts_at + datetime.timedelta(hours=3))
    ParticipantFactory(event=event, status=Status.REGISTERED, track=track)

    (page,) = _pages(
        organiser_client.post(
            CHANGELIST_URL,
            {"action": "attendance_sheets_per_track", "_selected_action": [event.pk]},
            HTTP_ACCEPT_LANGUAGE="ky",
        )
    )

    assert page.count("A залы") == 1 and "room a" not in page.lower()


def test_checked_in_list_has_exactly_the_people_checked_in(organiser_client, organiser, dialogue):
    event, people = dialogue
    for key in ("gulnara", "at_risk"):
        services.check_in(people[key], by=organiser)
    ParticipantFactory(status=Status.ATTENDED, full_name="Other Event Person")

    response = _download(organiser_client, "checked_in_list", event)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [row[1] for row in rows] == ["Гүлнара Өмүрбекова", "Also checked in, not named in exports: 1"]
    assert rows[0][2:4] == ("Аялдар кеңеши", "Woman")
    assert rows[0][7]  # when she was checked in


def test_one_event_at_a_time_for_the_checked_in_list(organiser_client, dialogue):
    response = _download(organiser_client, "checked_in_list", dialogue[0], EventFactory())
    assert response.status_code == 302
    assert "Select one event" in organiser_client.get(response.url).content.decode()


@pytest.mark.parametrize("action", ["attendance_sheets_per_session", "attendance_sheets_per_track", "checked_in_list"])
def test_only_organisers_get_the_lists(client, dialogue, action):
    event = dialogue[0]
    client.force_login(FacilitatorFactory())
    response = _download(client, action, event)
    assert response.status_code == 302 and reverse("admin:login") in response.url

    # Staff without a role sees nothing of the events, let alone their people.
    client.force_login(UserFactory(is_staff=True))
    assert _download(client, action, event).status_code == 403

    # Staff with the event's model permissions but not an organiser is not offered the lists either.
    editor = UserFactory(is_staff=True)
    editor.user_permissions.set(ensure_role_groups().permissions.all())
    client.force_login(editor)
    response = _download(client, action, event)
    assert response.status_code == 302
    assert "No action selected" in client.get(response.url).content.decode()
