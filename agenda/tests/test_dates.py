"""Dates as each language writes them, and registration's closing time, on the pages a participant reads."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from dialogue_event.demo import BISHKEK, load_demo

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def page_in(client, event, language, name="event"):
    with translation.override(language):
        url = event.get_absolute_url() if name == "event" else reverse("participants:register", kwargs={"slug": event.slug})
    return client.get(url).content.decode()


@pytest.mark.parametrize(
    "language, dates, took_place",
    [
        ("ky", "2021-жылдын 3-июну", "Бул диалог 2021-жылдын 3-июну өткөн."),
        ("ru", "3 июня 2021", "Этот диалог состоялся 3 июня 2021."),
    ],
)
def test_osh_page_writes_its_date_as_the_language_does(client, language, dates, took_place):
    page = page_in(client, load_demo().event, language)

    assert f">{dates}</time>" in page
    assert took_place in page
    assert "Июнь" not in page and "г.." not in page


def test_a_two_day_event_shows_both_days_once(client):
    event = EventFactory(
        starts_at=datetime.datetime(2027, 1, 28, 9, 0, tzinfo=BISHKEK),
        ends_at=datetime.datetime(2027, 1, 29, 17, 0, tzinfo=BISHKEK),
    )

    assert ">2027-жылдын 28-январы – 2027-жылдын 29-январы</time>" in page_in(client, event, "ky")
    assert ">28 января 2027 – 29 января 2027</time>" in page_in(client, event, "ru")


@pytest.fixture
def open_until_20_january(db):
    return EventFactory(
        open_registration=True,
        registration_opens_at=datetime.datetime(2026, 11, 1, 9, 0, tzinfo=BISHKEK),
        registration_closes_at=datetime.datetime(2027, 1, 20, 18, 0, tzinfo=BISHKEK),
        starts_at=datetime.datetime(2027, 1, 28, 9, 0, tzinfo=BISHKEK),
        ends_at=datetime.datetime(2027, 1, 28, 17, 30, tzinfo=BISHKEK),
    )


@pytest.mark.parametrize(
    "language, sentence",
    [
        ("ky", "Каттоо ачык, акыркы мөөнөтү: 2027-жылдын 20-январы, 18:00."),
        ("ru", "Регистрация открыта до 20 января 2027, 18:00."),
        ("en", "Registration is open until 20 January 2027, 18:00."),
    ],
)
def test_event_page_and_registration_form_say_when_registration_closes(client, open_until_20_january, language, sentence):
    for page in (page_in(client, open_until_20_january, language), page_in(client, open_until_20_january, language, "register")):
        assert sentence in page
        assert f"{sentence}." not in page
