"""An event's colour and logos, seen in a real browser on a phone: readable, and never wider than the screen."""

import pytest
from django.core.files.base import ContentFile

from agenda.models import LogoRole
from conftest import axe_findings

from .factories import EventFactory, EventLogoFactory, png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360


def test_event_page_with_colour_and_wide_logos_fits_a_phone_and_has_no_serious_accessibility_finding(
    live_server, phone, media_root
):
    event = EventFactory(colour="#1d5b79", host_organisation="Women's Peace Network", registration_open=True)
    wide = lambda: ContentFile(png(width=900, height=60), name="wide.png")  # noqa: E731
    EventLogoFactory(event=event, role=LogoRole.HOST, organisation="Women's Peace Network", image=wide())
    for name in ("Rural Women's Union", "Peace Fund", "Association of Women Lawyers"):
        EventLogoFactory(event=event, organisation=name, image=wide())

    phone.goto(f"{live_server.url}/en/events/{event.slug}/")

    host_logo = phone.get_by_role("img", name="Women's Peace Network")
    assert host_logo.evaluate("img => img.complete && img.naturalWidth") == 900  # served, and allowed by the policy
    assert phone.get_by_role("list", name="Partners and funders").get_by_role("img").count() == 3
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    band = phone.locator("header.site-header").evaluate("header => getComputedStyle(header).borderTopColor")
    assert band == "rgb(29, 91, 121)"
    assert not axe_findings(phone), "\n".join(axe_findings(phone))
