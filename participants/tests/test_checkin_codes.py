"""The check-in code: its own key, made for a seat-holder, replaced with her link, erased with her data."""

import io

import pytest
import zxingcpp
from django.test import Client
from PIL import Image

from agenda.tests.factories import EventFactory
from messaging.models import MessageKind
from messaging.services import queue_message
from messaging.tasks import send_messages
from participants import services
from participants.models import CHECKIN_CODE_ALPHABET, ConsentKind, Participant, Status

from .factories import ParticipantFactory

pytestmark = pytest.mark.django_db

CONSENTS = {ConsentKind.DATA_PROCESSING: True, ConsentKind.PHOTOGRAPHY: False, ConsentKind.MEDIA: False}


def decoded(png):
    """What a real QR decoder (zxing-cpp) reads in a PNG."""
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def her_page(participant):
    client = Client()
    client.get(participant.get_personal_url())
    return client, client.get(f"/en/events/{participant.event.slug}/me/")


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.ATTENDED])
def test_a_seat_holder_gets_a_short_code_of_her_own_that_is_not_her_link(status):
    participant = ParticipantFactory(status=status)

    code = services.checkin_code(participant)

    assert code != participant.access_token and code not in participant.access_token
    assert len(code) == 10 and set(code) <= set(CHECKIN_CODE_ALPHABET)
    # Made once, then kept.
    assert services.checkin_code(Participant.objects.get(pk=participant.pk)) == code


@pytest.mark.parametrize("status", [Status.INVITED, Status.WAITLISTED, Status.DECLINED, Status.CANCELLED])
def test_nobody_without_a_seat_has_a_code(status):
    participant = ParticipantFactory(status=status)

    assert services.checkin_code(participant) is None
    assert Participant.objects.get(pk=participant.pk).checkin_token is None


def test_the_code_does_not_open_her_personal_page():
    participant = ParticipantFactory(status=Status.REGISTERED)
    code = services.checkin_code(participant)
    stranger = Client()

    response = stranger.get(f"/en/p/{code}/", follow=True)
    page = stranger.get(f"/en/events/{participant.event.slug}/me/", follow=True)

    assert participant.full_name not in response.content.decode()
    assert participant.full_name not in page.content.decode()
    assert participant.email not in page.content.decode()


def test_her_page_shows_a_qr_code_that_a_scanner_reads_as_her_code():
    participant = ParticipantFactory(status=Status.REGISTERED, full_name="Нурзат Өмүрбекова")
    client, page = her_page(participant)
    code = Participant.objects.get(pk=participant.pk).checkin_token
    html = page.content.decode()
    assert f"{code[:5]}-{code[5:]}" in html

    image_path = f"/en/c/{code}.png"
    assert f'src="{image_path}"' in html
    image = client.get(image_path)

    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    # Large enough to scan off a cracked screen: 290 px, about 10 px to a module.
    assert Image.open(io.BytesIO(image.content)).size == (290, 290)
    assert decoded(image.content) == [code]
    # Served by the site itself, as the Content-Security-Policy allows ('self').
    assert "img-src 'self'" in page["Content-Security-Policy"]


def test_no_code_on_the_page_of_a_person_on_the_waiting_list():
    participant = ParticipantFactory(status=Status.WAITLISTED)

    _client, page = her_page(participant)

    assert page.status_code == 200
    assert "My check-in code" not in page.content.decode()
    assert Participant.objects.get(pk=participant.pk).checkin_token is None


def test_replacing_her_link_replaces_her_code_and_the_old_one_shows_nothing():
    participant = ParticipantFactory(status=Status.REGISTERED)
    old_code = services.checkin_code(participant)

    services.replace_personal_links([participant])

    new_code = Participant.objects.get(pk=participant.pk).checkin_token
    assert new_code and new_code != old_code
    assert Client().get(f"/en/c/{old_code}.png").status_code == 404
    assert decoded(Client().get(f"/en/c/{new_code}.png").content) == [new_code]


def test_erasure_clears_her_code():
    participant = ParticipantFactory(status=Status.ATTENDED)
    code = services.checkin_code(participant)

    services.erase_personal_data(participant)

    assert Participant.objects.get(pk=participant.pk).checkin_token is None
    assert Client().get(f"/en/c/{code}.png").status_code == 404


def test_an_unknown_code_has_no_image():
    assert Client().get("/en/c/ACDEFGHJKM.png").status_code == 404


def test_the_confirmation_email_carries_the_code_as_text_and_as_a_scannable_image(smtp_inbox, settings):
    settings.SITE_URL = "https://dialogue.example.org"
    event = EventFactory(open_registration=True, title_en="Dialogue in Osh")
    details = {
        "full_name": "Айгүл Ташиева",
        "email": "aigul@example.org",
        "phone": "+996700000001",
        "preferred_language": "ky",
        "category": event.categories.first(),
    }
    result = services.register(event, details, CONSENTS, language="ky")
    participant = result.participant
    send_messages([participant.messages.get(kind=MessageKind.CONFIRMATION).pk])

    code = Participant.objects.get(pk=participant.pk).checkin_token
    message = smtp_inbox.messages[0]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"{code[:5]}-{code[5:]}" in text
    image_url = f"https://dialogue.example.org/ky/c/{code}.png"
    assert f'src="{image_url}"' in html
    assert participant.access_token not in image_url
    # The image the mail app fetches is her code.
    assert decoded(Client().get(image_url.removeprefix(settings.SITE_URL)).content) == [code]


def test_the_reminder_carries_the_code_and_the_waiting_list_message_does_not():
    participant = ParticipantFactory(status=Status.REGISTERED)
    waiting = ParticipantFactory(status=Status.WAITLISTED, event=participant.event)

    reminder = queue_message(participant, MessageKind.REMINDER, extra_context={"days_before": 1})
    waitlisted = queue_message(waiting, MessageKind.WAITLISTED)

    code = Participant.objects.get(pk=participant.pk).checkin_token
    assert f"{code[:5]}-{code[5:]}" in reminder.body_text and f"/c/{code}.png" in reminder.body_html
    assert "check-in code" not in waitlisted.body_text
