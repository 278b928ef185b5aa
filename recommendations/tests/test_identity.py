"""The outcome document and the donor report carry the event's logos and colour, as its pages do."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from agenda.models import LogoRole
from agenda.tests.factories import EventLogoFactory
from recommendations import donor_report, outcome, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def identity(event, media_root):
    event.colour = "#7a3e65"
    event.save()
    EventLogoFactory(event=event, role=LogoRole.PARTNER, organisation="Rural Women's Union", order=0)
    EventLogoFactory(event=event, role=LogoRole.HOST, organisation="Women's Peace Network", order=5)
    return event


def first_page_images(pdf):
    return PdfReader(io.BytesIO(pdf)).pages[0].images


def test_outcome_pdf_shows_the_hosts_logo_first_then_the_partners(identity):
    content = outcome.gather(identity, "en")

    assert [logo.organisation for logo in content.logos] == ["Women's Peace Network", "Rural Women's Union"]
    assert content.colour == "#7a3e65"
    assert len(first_page_images(outcome.render_pdf(content))) == 2


def test_a_published_outcome_keeps_its_logos(identity, organiser):
    services.publish_final(identity, by=organiser)

    content = outcome.published(services.published_version(identity), "en")

    assert [logo.organisation for logo in content.logos] == ["Women's Peace Network", "Rural Women's Union"]
    assert len(first_page_images(outcome.render_pdf(content))) == 2


def test_an_outcome_published_before_events_had_logos_still_renders(event, organiser):
    services.publish_final(event, by=organiser)
    version = services.published_version(event)
    for content in version.content.values():
        del content["logos"], content["colour"]
    version.save()

    content = outcome.published(version, "en")

    assert (content.logos, content.colour) == ([], "#0a58ca")
    assert outcome.render_pdf(content).startswith(b"%PDF")


def test_donor_report_pdf_has_the_logos(identity):
    assert len(first_page_images(donor_report.render_pdf(donor_report.gather(identity, "en")))) == 2


def test_donor_report_docx_has_the_logos_named_for_screen_readers_and_coloured_headings(identity):
    docx = Document(io.BytesIO(donor_report.render_docx(donor_report.gather(identity, "en"))))

    pictures = docx.inline_shapes
    assert len(pictures) == 2
    assert [picture._inline.docPr.get("descr") for picture in pictures] == [
        "Women's Peace Network",
        "Rural Women's Union",
    ]
    assert str(docx.styles["Heading 1"].font.color.rgb) == "7A3E65"
