"""The by-hand list in a real browser: WhatsApp opened with the short text in one tap, the text copied."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from messaging import services
from messaging.models import MessageKind, MessageStatus
from participants.models import Channel as Preferred
from participants.tests.factories import ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_sends_an_invitation_by_whatsapp_in_one_tap_and_marks_it_delivered(
    live_server, browser, log_in_browser, organiser
):
    participant = ParticipantFactory(
        full_name="Канышай Орозбаева", email="", phone="+996555101203", preferred_channel=Preferred.WHATSAPP,
        preferred_language="ky",
    )  # fmt: skip
    message = services.queue_message(participant, MessageKind.INVITATION)
    context = log_in_browser(browser, organiser, viewport={"width": 1366, "height": 768})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    # No network here: WhatsApp's page is played by a stand-in that shows the address it was opened at.
    context.route("https://wa.me/**", lambda route: route.fulfill(content_type="text/html", body="<p>WhatsApp</p>"))
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/messaging/message/")
    page.get_by_role("navigation", name="Messages by status").get_by_role("link", name="To deliver by hand").click()

    with page.expect_popup() as popup:
        page.get_by_role("link", name=re.compile("WhatsApp to Канышай Орозбаева")).click()

    opened = urlsplit(popup.value.url)
    assert (opened.netloc, opened.path) == ("wa.me", "/996555101203")
    assert parse_qs(opened.query)["text"] == [message.body_sms]

    copy = page.get_by_role("button", name=re.compile("Copy the SMS text for Канышай Орозбаева"))
    copy.click()
    assert page.evaluate("navigator.clipboard.readText()") == message.body_sms
    assert copy.inner_text() == "Copied"  # our script ran under the site's Content-Security-Policy

    page.get_by_role("checkbox", name=re.compile("Канышай Орозбаева")).check()
    page.locator("select[name=action]").select_option("mark_delivered_by_hand")
    page.get_by_role("button", name=re.compile("^(Go|Run)")).click()
    page.wait_for_load_state()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.delivered_by == organiser
    context.close()
