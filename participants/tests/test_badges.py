"""Badges: organisers print A4 sheets of them; a person at risk or only counted shows her first name only."""

import io

import pytest
import zxingcpp
from django.contrib.auth.models import Group, Permission
from pypdf import PdfReader

from agenda.models import Track
from agenda.tests.factories import EventFactory
from dialogue_event.roles import FACILITATORS, ensure_role_groups
from participants.models import Participant, Status, Visibility

from .factories import ParticipantFactory

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "/admin/participants/participant/"


def print_badges(client, participants):
    return client.post(CHANGELIST_URL, {"action": "print_badges", "_selected_action": [p.pk for p in participants]})


def pdf_qr_codes(response):
    """What a real QR decoder (zxing-cpp) reads in the PDF's images."""
    reader = PdfReader(io.BytesIO(response.content))
    images = [image.image for page in reader.pages for image in page.images]
    return sorted(result.text for image in images for result in zxingcpp.read_barcodes(image))


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def people():
    event = EventFactory(title_en="Dialogue in Osh")
    track = Track.objects.create(
        event=event, **{f"title_{language}": "Тынчтык жана коопсуздук" for language in ("en", "ru", "ky")}
    )
    listed = ParticipantFactory(
        event=event,
        status=Status.REGISTERED,
        full_name="Гүлнара Асанова",
        badge_name="Гүлнара Өмүрзакова-Асанова",
        organisation="Ош аялдар кеңеши",
        visibility=Visibility.LISTED,
        track=track,
    )
    at_risk = ParticipantFactory(
        event=event,
        status=Status.REGISTERED,
        full_name="Айнура Түгөлбаева",
        organisation="Баткен укук коргоо борбору",
        visibility=Visibility.LISTED,
        at_risk=True,
    )
    counted = ParticipantFactory(
        event=event, status=Status.REGISTERED, full_name="Жылдыз Ңоорузова", visibility=Visibility.COUNTED_ONLY
    )
    return listed, at_risk, counted


def test_organiser_prints_badges_with_kyrgyz_letters_and_a_first_name_only_for_people_at_risk(
    organiser_client, people
):
    listed, at_risk, counted = people

    response = print_badges(organiser_client, people)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response)
    assert pages == 1
    # The name as she writes it on her badge, her organisation and her track, with ң ө ү intact.
    assert "Гүлнара" in text and "Өмүрзакова-" in text
    assert "Ош аялдар кеңеши" in text
    assert "Тынчтык жана коопсуздук" in text
    # At risk, or only counted: her first name, nothing that points at her.
    assert "Айнура" in text and "Түгөлбаева" not in text and "Баткен" not in text
    assert "Жылдыз" in text and "Ңоорузова" not in text
    # Each badge carries its check-in code, as a QR code a scanner reads and in text.
    codes = sorted(Participant.objects.filter(pk__in=[p.pk for p in people]).values_list("checkin_token", flat=True))
    assert pdf_qr_codes(response) == codes
    for code in codes:
        assert f"{code[:5]}-{code[5:]}" in text


def test_a_person_known_to_the_organisers_only_wears_her_whole_name_in_the_room(organiser_client):
    # Not in the published list, but the people in the room are not the public.
    person = ParticipantFactory(
        status=Status.REGISTERED, full_name="Бурулай Сапарова", organisation="Лейлек аял кеңеши",
        visibility=Visibility.ORGANISERS_ONLY,
    )  # fmt: skip

    _pages, text = pdf_text(print_badges(organiser_client, [person]))

    assert "Бурулай Сапарова" in text and "Лейлек аял кеңеши" in text


def test_nine_badges_take_two_sheets(organiser_client):
    event = EventFactory()
    people = ParticipantFactory.create_batch(9, event=event, status=Status.REGISTERED)

    pages, _text = pdf_text(print_badges(organiser_client, people))

    assert pages == 2


def test_a_facilitator_cannot_print_badges(client, django_user_model, people):
    ensure_role_groups()
    facilitator = django_user_model.objects.create_user("facilitator", is_staff=True)
    facilitator.groups.add(Group.objects.get(name=FACILITATORS))
    client.force_login(facilitator)

    response = print_badges(client, people)

    assert response.status_code == 403
    assert response["Content-Type"] != "application/pdf"


def test_staff_without_a_role_cannot_print_badges_even_with_the_lists_permissions(client, django_user_model, people):
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="participants", codename__endswith="_participant")
    )
    client.force_login(staff)

    page = client.get(CHANGELIST_URL)
    response = print_badges(client, people)

    assert page.status_code == 200 and "print_badges" not in page.content.decode()
    assert response["Content-Type"] != "application/pdf"
