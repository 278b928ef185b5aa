"""Certificates of participation: hers from her personal page once she attended, in her language; organisers print them all."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from agenda.models import Event
from agenda.tests.factories import EventFactory
from participants.models import Participant, Status, Visibility

from .factories import ParticipantFactory

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "/admin/participants/participant/"


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def pdf_pages(content):
    """Each page's text, with its lines joined as a reader reads them."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def event():
    starts_at = timezone.now() - datetime.timedelta(days=2)
    return EventFactory(
        slug="osh-dialogue",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=8),
        title_en="Women's leadership for peace",
        title_ru="Лидерство женщин во имя мира",
        title_ky="Тынчтык үчүн аялдардын лидерлиги",
        city_en="Osh",
        city_ru="Ош",
        city_ky="Ош шаары",
        host_organisation_en="UN Women in Kyrgyzstan",
        host_organisation_ky="БУУ-Аялдар Кыргызстанда",
        partner_organisations_ky="Өнүгүү жана тынчтык борбору\nЖаңы муун коомдук фонду",
    )


@pytest.fixture
def attended(event):
    # At risk and only counted: named nowhere else, but her certificate is hers.
    return ParticipantFactory(
        event=event,
        status=Status.ATTENDED,
        full_name="Айгүл Төлөгөнова-Жаңылова",
        preferred_language="ky",
        at_risk=True,
        visibility=Visibility.COUNTED_ONLY,
    )


def open_personal_link(client, participant):
    client.get(url("participants:personal_link", token=participant.access_token))
    return client


def test_an_attended_person_downloads_her_certificate_in_kyrgyz_from_her_page(client, event, attended):
    open_personal_link(client, attended)

    page = client.get(url("participants:my_registration", slug=event.slug)).content.decode()
    certificate_url = url("participants:certificate", slug=event.slug)
    assert certificate_url in page
    response = client.get(certificate_url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    (text,) = pdf_pages(response.content)
    # Her name as she writes it, and the event in Kyrgyz, with ң ө ү intact.
    assert "Айгүл Төлөгөнова-Жаңылова" in text
    assert "Тынчтык үчүн аялдардын лидерлиги" in text
    assert "Ош шаары" in text
    assert "БУУ-Аялдар Кыргызстанда" in text
    assert "Өнүгүү жана тынчтык борбору" in text and "Жаңы муун коомдук фонду" in text
    assert "Women's leadership" not in text


def test_a_person_who_did_not_attend_has_no_certificate(client, event):
    registered = ParticipantFactory(event=event, status=Status.REGISTERED)
    open_personal_link(client, registered)

    page = client.get(url("participants:my_registration", slug=event.slug)).content.decode()

    assert url("participants:certificate", slug=event.slug) not in page
    assert client.get(url("participants:certificate", slug=event.slug)).status_code == 404


def test_without_her_personal_link_nobody_gets_her_certificate(client, event, attended, organiser_client):
    response = client.get(url("participants:certificate", slug=event.slug))

    assert response.status_code == 403
    # An organiser prints them from the admin instead: the address is a participant's own.
    assert organiser_client.get(url("participants:certificate", slug=event.slug)).status_code == 403


def test_organisers_print_a_certificate_per_attended_person_each_in_her_language(organiser_client, event, attended):
    in_russian = ParticipantFactory(event=event, status=Status.ATTENDED, full_name="Бурулай Сапарова", preferred_language="ru")
    no_show = ParticipantFactory(event=event, status=Status.REGISTERED, full_name="Назгүл Ормонова")
    selected = [attended, in_russian, no_show]

    response = organiser_client.post(
        CHANGELIST_URL, {"action": "print_certificates", "_selected_action": [p.pk for p in selected]}
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    ky_page = next(page for page in pages if "Айгүл" in page)
    ru_page = next(page for page in pages if "Бурулай Сапарова" in page)
    assert "Тынчтык үчүн аялдардын лидерлиги" in ky_page
    assert "Лидерство женщин во имя мира" in ru_page and "Айгүл" not in ru_page
    assert not any("Назгүл" in page for page in pages)
    # The file is the answer; the changelist says next how many got none.
    assert "1 selected person did not attend" in organiser_client.get(CHANGELIST_URL).content.decode()


def test_printing_only_people_who_did_not_attend_gives_no_file(organiser_client, event):
    no_show = ParticipantFactory(event=event, status=Status.REGISTERED)

    response = organiser_client.post(
        CHANGELIST_URL, {"action": "print_certificates", "_selected_action": [no_show.pk]}, follow=True
    )

    assert response["Content-Type"].startswith("text/html")
    assert "1 selected person did not attend" in response.content.decode()


def test_on_the_osh_demo_a_woman_who_came_downloads_her_certificate(client, settings):
    settings.PERSONAL_LINK_DAYS_AFTER_EVENT = 100 * 365  # the demo dialogue was in 2021
    call_command("load_demo", stdout=io.StringIO())
    osh = Event.objects.get(slug="osh-dialogue-2021")
    came = Participant.objects.filter(event=osh, status=Status.ATTENDED, preferred_language="ky", email="").first()

    open_personal_link(client, came)
    response = client.get(url("participants:certificate", slug=osh.slug))

    assert response.status_code == 200
    (text,) = pdf_pages(response.content)
    assert came.full_name in text
    assert "аялдардын лидерлиги аркылуу жаңы доорго кадам" in text
    assert "БУУ-Аялдар Кыргызстанда" in text
