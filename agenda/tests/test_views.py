import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from dialogue_event.demo import OSH_DIALOGUE, OSH_TRACKS, load_demo

from .factories import EventFactory, TrackFactory

pytestmark = pytest.mark.django_db


def event_url(event, language="en"):
    with translation.override(language):
        return event.get_absolute_url()


def test_home_lists_upcoming_and_past_published_events(client):
    now = timezone.now()
    upcoming = EventFactory(title="Dialogue in Batken")
    past = EventFactory(
        title="Dialogue in Leilek", starts_at=now - datetime.timedelta(days=60), ends_at=now - datetime.timedelta(days=59)
    )
    EventFactory(title="Draft dialogue", is_published=False)

    response = client.get("/en/")

    assert response.status_code == 200
    assert [event.title for event in response.context["upcoming_events"]] == [upcoming.title]
    assert [event.title for event in response.context["past_events"]] == [past.title]
    assert b"Draft dialogue" not in response.content


def test_home_pages_through_many_past_events(client):
    now = timezone.now()
    for days_ago in range(1, 16):
        EventFactory(starts_at=now - datetime.timedelta(days=days_ago * 30), ends_at=now - datetime.timedelta(days=days_ago * 30 - 1))

    first_page = client.get("/en/")
    second_page = client.get("/en/?page=2")

    assert len(first_page.context["past_events"]) == 12
    assert len(second_page.context["past_events"]) == 3
    assert b"Page 2 of 2" in second_page.content


def test_home_page_beyond_the_last_is_not_found(client):
    assert client.get("/en/?page=99").status_code == 404


def test_root_redirects_to_the_language_the_browser_asks_for(client):
    response = client.get("/", headers={"accept-language": "ru"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_chosen_language_is_remembered_across_pages(client):
    event = EventFactory()

    response = client.post(
        reverse("set_language"), {"language": "ky", "next": event_url(event, "en")}, headers={"accept-language": "en"}
    )

    assert response.status_code == 302
    assert response["Location"] == event_url(event, "ky")
    assert client.cookies["django_language"].value == "ky"
    assert client.get("/", headers={"accept-language": "en"})["Location"] == "/ky/"


@pytest.mark.parametrize(
    ("language", "interface_texts"),
    [
        ("en", ["Discussion tracks", "Who will attend", "Expected results", "Hosted by", "Funded by"]),
        ("ru", ["Направления обсуждения", "Кто примет участие", "Ожидаемые результаты"]),
        ("ky", ["Талкуу багыттары", "Кимдер катышат", "Күтүлгөн натыйжалар"]),
    ],
)
def test_osh_dialogue_page_reads_in_each_language(client, language, interface_texts):
    event = load_demo().event

    response = client.get(event_url(event, language))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert escape(OSH_DIALOGUE[f"title_{language}"]) in page
    assert escape(OSH_DIALOGUE[f"host_organisation_{language}"]) in page
    assert escape(OSH_DIALOGUE[f"funder_{language}"]) in page
    assert escape(OSH_DIALOGUE[f"partner_organisations_{language}"]) in page
    for track in OSH_TRACKS:
        assert escape(track[f"title_{language}"]) in page
    for text in interface_texts:
        assert text in page


def test_event_page_shows_date_time_and_place_in_bishkek_time(client):
    event = load_demo().event

    page = client.get(event_url(event)).content.decode()

    assert "3 June 2021" in page
    assert "9:00 – 17:30" in page
    assert "Osh, Kyrgyz Republic" in page


def test_event_content_missing_in_kyrgyz_falls_back_to_russian(client):
    event = EventFactory(title_en="Dialogue in Osh", title_ru="Диалог в Оше", title_ky=None)

    page = client.get(event_url(event, "ky")).content.decode()

    assert "Диалог в Оше" in page


def test_open_event_invites_people_to_register(client):
    now = timezone.now()
    event = EventFactory(
        open_registration=True,
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=10),
        contact_email="osh@example.org",
    )

    page = client.get(event_url(event)).content.decode()

    assert "Registration is open until" in page
    assert 'href="mailto:osh@example.org' in page


def test_invitation_only_event_says_so(client):
    event = EventFactory(open_registration=False)

    page = client.get(event_url(event)).content.decode()

    assert "Participation is by invitation" in page


def test_past_event_says_when_it_took_place(client):
    event = load_demo().event

    page = client.get(event_url(event)).content.decode()

    assert "This dialogue took place on 3 June 2021." in page
    assert "mailto:" not in page


def test_unpublished_event_is_not_found_by_the_public(client):
    event = EventFactory(is_published=False)
    assert client.get(event_url(event)).status_code == 404


def test_unpublished_event_can_be_previewed_by_an_organiser(client, django_user_model):
    organiser = django_user_model.objects.create_user("organiser", password="unused", is_staff=True)
    organiser.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(organiser)
    event = EventFactory(is_published=False)

    response = client.get(event_url(event))

    assert response.status_code == 200
    assert b"This event is not published" in response.content


def test_unknown_event_is_not_found(client):
    assert client.get("/en/events/no-such-dialogue/").status_code == 404


def test_track_colour_is_shown_beside_the_track(client):
    track = TrackFactory(colour="#b5446e")

    page = client.get(event_url(track.event)).content.decode()

    assert "--track-colour: #b5446e" in page


def test_every_page_of_an_event_says_who_hosts_it(client):
    event = EventFactory(
        host_organisation_en="UN Women in Kyrgyzstan",
        host_organisation_ky="БУУ-Аялдар Кыргызстанда",
        partner_organisations_en="Rosa Otunbayeva Initiative\nWomen MPs Forum",
    )

    english = client.get(f"/en/events/{event.slug}/agenda/").content.decode()
    kyrgyz = client.get(f"/ky/events/{event.slug}/").content.decode()

    assert "Hosted by UN Women in Kyrgyzstan · Partners: Rosa Otunbayeva Initiative, Women MPs Forum" in english
    assert "Уюштуруучу: БУУ-Аялдар Кыргызстанда" in kyrgyz
    assert 'rel="icon"' in kyrgyz
