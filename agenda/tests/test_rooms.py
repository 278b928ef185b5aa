"""Rooms named in three languages, and kept from being double-booked whatever language one works in."""

import datetime
import importlib

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation
from django.utils.html import escape

from agenda.models import Session

from .factories import EventFactory, SessionFactory
from .test_admin import add_session, change_url, page_form
from .test_agenda_pages import url

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MAIN_HALL = {"room_en": "Main hall", "room_ru": "Большой зал", "room_ky": "Чоң зал"}


def test_the_session_page_names_the_room_in_the_readers_language(client):
    session = SessionFactory(title="Opening", **MAIN_HALL)

    for language in ["en", "ru", "ky"]:
        page = client.get(url("session_detail", language, slug=session.event.slug, pk=session.pk)).content.decode()
        assert escape(MAIN_HALL[f"room_{language}"]) in page


def test_a_room_without_a_kyrgyz_name_reads_in_russian_on_the_kyrgyz_pages(client):
    session = SessionFactory(title="Opening", room_en="Room A", room_ru="Зал A")

    detail = client.get(url("session_detail", "ky", slug=session.event.slug, pk=session.pk)).content.decode()
    timetable = client.get(url("timetable", "ky", slug=session.event.slug)).content.decode()

    assert "Зал A" in detail and "Зал A" in timetable
    assert "Room A" not in detail


def test_the_session_calendar_in_russian_gives_the_room_its_russian_name(client):
    session = SessionFactory(**MAIN_HALL)

    response = client.get(url("session_calendar", "ru", slug=session.event.slug, pk=session.pk))

    (entry,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["LOCATION"]).startswith("Большой зал, ")


def test_a_room_named_only_in_russian_is_refused_until_it_has_its_english_name():
    session = SessionFactory.build(event=EventFactory(), room_en="", room_ru="Большой зал", room_ky="")

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert "Name the room in English too" in error.value.message_dict["room_en"][0]
    session.room_en = "Main hall"
    session.full_clean()


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_the_same_room_is_a_clash_whatever_language_is_active_and_however_it_is_translated(language):
    event = EventFactory()
    SessionFactory(event=event, title="Opening", room_en="Main hall")  # no Russian or Kyrgyz name yet
    clash = SessionFactory.build(
        event=event, room_en="main hall", room_ru="Большой зал", room_ky="Чоң зал", starts_at=event.starts_at
    )

    with translation.override(language), pytest.raises(ValidationError) as error:
        clash.full_clean()

    (message,) = error.value.message_dict["room_en"]
    assert message.startswith(MAIN_HALL[f"room_{language}"]) and "«Opening»" in message


def test_rooms_that_share_a_russian_name_but_not_their_english_one_are_two_rooms():
    event = EventFactory()
    SessionFactory(event=event, room_en="Room A", room_ru="Зал")
    with translation.override("ru"):
        SessionFactory.build(event=event, room_en="Room B", room_ru="Зал").full_clean()


def test_checking_a_session_in_russian_leaves_its_missing_russian_name_to_the_fallback(client):
    session = SessionFactory(room_en="Main hall")

    with translation.override("ru"):
        session.full_clean()
        session.save()
    session.room_en = "Great hall"
    session.save()

    page = client.get(url("session_detail", "ru", slug=session.event.slug, pk=session.pk)).content.decode()
    assert "Great hall" in page and "Main hall" not in page


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_the_database_refuses_a_double_booking_whatever_language_is_active(language):
    event = EventFactory()
    SessionFactory(event=event, room_en="Room A", room_ru="Зал A")

    with translation.override(language), pytest.raises(IntegrityError):
        Session.objects.create(
            event=event, title_en="Clash", room_en="ROOM A", starts_at=event.starts_at, ends_at=event.starts_at + HOUR
        )


@pytest.mark.parametrize("admin_language", ["ru", "ky"])
def test_the_admin_refuses_a_room_typed_twice_in_any_admin_language(organiser_client, admin_language):
    event = EventFactory()
    SessionFactory(event=event, title="Opening", room_en="Main hall", room_ky="Чоң зал")
    data = page_form(organiser_client.get(change_url(event), HTTP_ACCEPT_LANGUAGE=admin_language))
    add_session(
        data, event, 1,
        title_en="Press briefing", starts_at=event.starts_at, ends_at=event.starts_at + HOUR,
        room_en="MAIN HALL ", room_ru="Большой зал",
    )  # fmt: skip

    response = organiser_client.post(change_url(event), data, HTTP_ACCEPT_LANGUAGE=admin_language)

    assert response.status_code == 200
    assert "«Opening»" in response.content.decode()
    assert event.sessions.count() == 1


def test_the_admin_refuses_two_new_sessions_in_one_room_typed_in_kyrgyz_admin(organiser_client):
    event = EventFactory()
    data = page_form(organiser_client.get(change_url(event), HTTP_ACCEPT_LANGUAGE="ky"))
    for index, title in enumerate(["Press briefing", "Interviews"]):
        add_session(
            data, event, index,
            title_en=title, starts_at=event.starts_at, ends_at=event.starts_at + HOUR,
            room_en="Main hall", room_ky="Чоң зал",
        )  # fmt: skip

    response = organiser_client.post(change_url(event), data, HTTP_ACCEPT_LANGUAGE="ky")

    assert response.status_code == 200
    assert "«Press briefing»" in response.content.decode()
    assert not event.sessions.exists()


def test_the_migration_gives_each_old_room_its_english_name():
    migration = importlib.import_module("agenda.migrations.0005_room_names")
    apps = MigrationLoader(connection).project_state(("agenda", "0005_room_names")).apps
    OldSession = apps.get_model("agenda", "Session")
    event = EventFactory()
    named = OldSession.objects.create(
        event_id=event.pk, title="Opening", room="Main hall", starts_at=event.starts_at, ends_at=event.starts_at + HOUR
    )
    unnamed = OldSession.objects.create(
        event_id=event.pk, title="Lunch", room="", starts_at=event.starts_at, ends_at=event.starts_at + HOUR
    )

    migration.name_rooms_in_english(apps, None)

    named, unnamed = Session.objects.get(pk=named.pk), Session.objects.get(pk=unnamed.pk)
    assert (named.room_en, named.room_ru, named.room_ky) == ("Main hall", None, None)
    assert not unnamed.room_en
    with translation.override("ky"):
        assert named.room == "Main hall"
