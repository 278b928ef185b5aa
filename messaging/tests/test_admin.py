import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.tests.factories import EventFactory
from messaging.models import Message, MessageKind
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "/admin/messaging/message/"


def owe_messages(event, count):
    for participant in ParticipantFactory.create_batch(count, event=event):
        Message.objects.create(
            event=event, participant=participant, kind=MessageKind.REMINDER, to_address=participant.email,
            language="en", subject="Tomorrow", body_text="…", idempotency_key=f"test:{participant.pk}",
        )  # fmt: skip


def statements_of(client, query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CHANGELIST_URL, query).status_code == 200
    return len(captured.captured_queries)


def test_log_shows_when_to_whom_what_and_how_it_went_with_the_event_as_a_filter(organiser_client):
    event = EventFactory(title="Women, peace and security in the border communities of Batken")
    EventFactory()  # with one event only, Django shows no filter to choose it
    owe_messages(event, 1)

    page = html.unescape(organiser_client.get(CHANGELIST_URL).content.decode())

    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert columns == ["created_at", "participant", "kind", "channel", "status", "attempts", "pass_on"]
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "Aizada Participant" in row and "Reminder before the event" in row
    assert event.title not in row
    assert f'<a href="?event__id__exact={event.pk}">{event.title}</a>' in page


def test_log_statements_do_not_follow_the_messages(organiser_client):
    event = EventFactory()
    owe_messages(event, 5)
    lists = [{}, {"event__id__exact": event.pk}]
    organiser_client.get(CHANGELIST_URL)  # the caches a first request fills (content types, permissions)
    few = [statements_of(organiser_client, query) for query in lists]

    owe_messages(event, 20)
    many = [statements_of(organiser_client, query) for query in lists]

    assert many == few
