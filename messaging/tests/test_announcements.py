"""The organisers' own message to a group of participants, each in their language."""

import pytest

from agenda.tests.factories import EventFactory, TrackFactory
from messaging.models import Message, MessageKind
from participants.models import Status
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/messaging/announcement/add/"


def test_organiser_writes_to_one_track_and_each_person_reads_it_in_their_language(
    admin_client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    border, other = TrackFactory(event=event), TrackFactory(event=event)
    russian = ParticipantFactory(event=event, track=border, status=Status.REGISTERED, preferred_language="ru")
    kyrgyz = ParticipantFactory(event=event, track=border, status=Status.REGISTERED, preferred_language="ky", email="")
    ParticipantFactory(event=event, track=other, status=Status.REGISTERED)
    ParticipantFactory(event=event, track=border, status=Status.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            ADD_URL,
            {
                "event": event.pk, "audience": "track", "track": border.pk,
                "subject_en": "Room change", "subject_ru": "Смена зала", "subject_ky": "Зал алмашты",
                "text_en": "We meet in Room C.", "text_ru": "Встречаемся в зале C.", "text_ky": "C залында жолугабыз.",
            },  # fmt: skip
            follow=True,
        )

    assert "The message is on its way to 2 people." in response.content.decode()
    sent = {message.participant: message for message in Message.objects.filter(kind=MessageKind.ANNOUNCEMENT)}
    assert set(sent) == {russian, kyrgyz}
    assert (sent[russian].subject, "Встречаемся в зале C." in sent[russian].body_text) == ("Смена зала", True)
    assert (sent[kyrgyz].subject, sent[kyrgyz].channel) == ("Зал алмашты", "by_hand")
    assert f"/ky/p/{kyrgyz.access_token}/" in sent[kyrgyz].body_text
    assert len(callbacks) == 1  # one email; the other waits to be delivered by hand


def test_message_to_a_track_without_choosing_the_track_is_refused(admin_client):
    event = EventFactory()

    response = admin_client.post(
        ADD_URL, {"event": event.pk, "audience": "track", "subject_en": "Hello", "text_en": "Text"}
    )

    assert response.status_code == 200
    assert "Choose the track whose participants get the message." in response.content.decode()
    assert not Message.objects.exists()
