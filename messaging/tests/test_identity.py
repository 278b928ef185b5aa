"""Emails carry the event's colour and name its host, as its pages do."""

import pytest

from agenda.tests.factories import EventFactory
from messaging import services
from messaging.models import MessageKind
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_email_html_has_the_events_colour_as_its_band_and_button_and_names_the_host():
    event = EventFactory(colour="#7a3e65", host_organisation_en="Women's Peace Network")
    participant = ParticipantFactory(event=event, preferred_language="en")

    _subject, _text, html, _sms = services.render(participant, MessageKind.INVITATION)

    assert html.count("background:#7a3e65;") == 2  # the band at the top, and the button
    assert "Hosted by Women&#x27;s Peace Network" in html


def test_email_of_an_event_without_colour_keeps_the_sites_blue():
    participant = ParticipantFactory(event=EventFactory(colour=""), preferred_language="en")

    _subject, _text, html, _sms = services.render(participant, MessageKind.INVITATION)

    assert "background:#0d6efd;" in html and "background:#0a58ca;" in html
