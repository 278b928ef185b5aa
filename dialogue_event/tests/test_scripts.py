"""A phone on a slow line downloads only the JavaScript the page it opened uses."""

import re

import pytest

from agenda.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def scripts(page):
    return re.findall(r'<script[^>]*src="([^"]+)"', page.content.decode())


@pytest.fixture
def open_event():
    return EventFactory(registration_open=True)


def test_the_public_pages_load_no_script(client, open_event):
    for address in ("/ky/", f"/ky/events/{open_event.slug}/", f"/ky/events/{open_event.slug}/register/"):
        page = client.get(address)
        assert page.status_code == 200
        assert scripts(page) == [], address


def test_the_agenda_loads_only_its_print_button(client, open_event):
    page = client.get(f"/ky/events/{open_event.slug}/agenda/")

    assert page.status_code == 200
    assert "data-print-button" in page.content.decode()
    assert [src.rsplit("/", 1)[-1] for src in scripts(page)] == ["print-button.js"]
