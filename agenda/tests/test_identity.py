"""An event's own identity: its colour and the organisations' logos, on its pages and its attendance sheets."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from agenda import attendance
from agenda.models import EventLogo, LogoRole
from agenda.validators import LOGO_MAX_BYTES, contrast_ratio, validate_accent_colour, validate_logo_file

from .factories import EventFactory, EventLogoFactory, SessionFactory, png
from .test_admin import change_url, page_form

pytestmark = pytest.mark.django_db

JPEG_START = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white, as WebAIM's checker has it
        ("#777777", "#ffffff", 4.48),  # one step lighter, and it fails
        ("#0d6efd", "#ffffff", 4.50),  # Bootstrap's blue
    ],
)
def test_contrast_ratio_of_known_pairs(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


def test_a_colour_too_light_for_white_text_is_refused_with_the_contrast_found():
    event = EventFactory.build(colour="#777777")

    with pytest.raises(ValidationError) as refused:
        event.full_clean()

    message = " ".join(refused.value.message_dict["colour"])
    assert "White text on #777777 has a contrast of only 4.4:1" in message
    assert "darker colour" in message


def test_a_dark_colour_is_kept_and_a_word_is_no_colour():
    validate_accent_colour("#1d5b79")
    with pytest.raises(ValidationError):
        validate_accent_colour("navy")


@pytest.mark.parametrize("content", [png(), JPEG_START + b"\x00" * 100], ids=["png", "jpeg"])
def test_png_and_jpeg_logos_are_accepted(content):
    validate_logo_file(SimpleUploadedFile("logo.png", content))


@pytest.mark.parametrize(
    "name, content",
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # the name does not matter, what the file holds does
        ("logo.gif", b"GIF89a" + b"\x00" * 100),
        ("logo.png", b""),
    ],
)
def test_anything_but_a_png_or_jpeg_picture_is_refused(name, content):
    with pytest.raises(ValidationError, match="A logo must be a PNG or JPEG picture."):
        validate_logo_file(SimpleUploadedFile(name, content))


def test_a_logo_over_a_megabyte_is_refused():
    with pytest.raises(ValidationError, match="a logo may be at most 1.0"):
        validate_logo_file(SimpleUploadedFile("logo.png", png() + b"\x00" * LOGO_MAX_BYTES))


def test_organiser_uploads_the_hosts_logo_and_a_visitor_sees_it_with_its_name(organiser_client, media_root):
    event = EventFactory(host_organisation="Women's Peace Network")
    data = page_form(organiser_client.get(change_url(event)))
    data.update(
        {
            "colour": ["#1d5b79"],
            "logos-TOTAL_FORMS": ["1"],
            "logos-0-role": [LogoRole.HOST],
            "logos-0-order": ["0"],
            "logos-0-organisation_en": ["Women's Peace Network"],
            "logos-0-organisation_ru": ["Сеть женщин за мир"],
            "logos-0-organisation_ky": ["Тынчтык үчүн аялдар тармагы"],
            "logos-0-image": [SimpleUploadedFile("Логотип сети.png", png(), content_type="image/png")],
        }
    )

    saved = organiser_client.post(change_url(event), data, follow=True)

    assert saved.status_code == 200 and "was changed successfully" in saved.content.decode()
    logo = EventLogo.objects.get(event=event)
    assert (media_root / logo.image.name).read_bytes() == png()
    # The admin shows what was uploaded.
    assert f'src="{logo.image.url}"' in organiser_client.get(change_url(event)).content.decode()

    visitor = Client()
    page = visitor.get(f"/en/events/{event.slug}/").content.decode()
    assert f'<img src="{logo.image.url}" alt="Women&#x27;s Peace Network" class="event-logo event-logo-host' in page
    assert 'style="--event-colour: #1d5b79"' in page
    russian = visitor.get(f"/ru/events/{event.slug}/").content.decode()
    assert 'alt="Сеть женщин за мир"' in russian


def test_an_event_whose_logo_file_is_gone_can_still_be_edited(organiser_client, media_root):
    logo = EventLogoFactory()
    (media_root / logo.image.name).unlink()
    data = page_form(organiser_client.get(change_url(logo.event)))
    data["capacity"] = ["41"]

    saved = organiser_client.post(change_url(logo.event), data, follow=True)

    assert "was changed successfully" in saved.content.decode()
    assert Client().get(logo.image.url).status_code == 404


def test_partners_and_funders_logos_are_in_the_event_pages_footer_in_their_order(client, media_root):
    event = EventFactory()
    funder = EventLogoFactory(event=event, role=LogoRole.FUNDER, organisation="Peace Fund", order=2)
    partner = EventLogoFactory(event=event, role=LogoRole.PARTNER, organisation="Rural Women's Union", order=1)

    page = client.get(f"/en/events/{event.slug}/").content.decode()

    footer = page[page.index("<footer") :]
    assert re.findall(r'alt="([^"]+)" class="event-logo"', footer) == ["Rural Women&#x27;s Union", "Peace Fund"]
    assert partner.image.url in footer and funder.image.url in footer
    assert 'class="event-logo event-logo-host' not in page  # no host logo: the header names the host in words only


def test_an_event_without_colour_or_logos_looks_as_before(client):
    event = EventFactory(host_organisation="Women's Peace Network")

    page = client.get(f"/en/events/{event.slug}/").content.decode()

    assert "--event-colour" not in page and "has-event-colour" not in page
    assert "<img" not in page
    assert "Hosted by Women&#x27;s Peace Network" in page


def test_the_media_address_serves_a_logo_and_nothing_else(client, media_root):
    logo = EventLogoFactory()
    (media_root / "private.csv").write_text("name,phone\n")

    served = client.get(logo.image.url)

    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "public" in served["Cache-Control"] and "max-age=2592000" in served["Cache-Control"]
    assert b"".join(served.streaming_content) == png()
    assert client.get("/media/private.csv").status_code == 404
    assert client.get("/media/../conftest.py").status_code == 404
    assert client.get(logo.image.url.replace(".png", "x.png")).status_code == 404


def test_an_unpublished_events_logo_is_for_organisers_only(organiser_client, media_root):
    logo = EventLogoFactory(event=EventFactory(is_published=False))

    assert Client().get(logo.image.url).status_code == 404
    preview = organiser_client.get(logo.image.url)
    assert preview.status_code == 200 and "private" in preview["Cache-Control"]


def test_attendance_sheets_carry_the_logos_and_the_events_colour(media_root):
    event = EventFactory(colour="#7a3e65")
    SessionFactory(event=event)
    EventLogoFactory(event=event, role=LogoRole.HOST, organisation="Women's Peace Network")
    EventLogoFactory(event=event, role=LogoRole.PARTNER, organisation="Rural Women's Union")

    sheets = attendance.session_sheets(event)
    pdf = PdfReader(io.BytesIO(attendance.render_pdf(sheets)))

    assert [logo.organisation for logo in sheets[0].logos] == ["Women's Peace Network", "Rural Women's Union"]
    assert sheets[0].colour == "#7a3e65"
    assert len(pdf.pages[0].images) == 2
