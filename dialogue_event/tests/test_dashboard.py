import datetime

import pytest
from django.utils import timezone

from agenda.tests.factories import EventFactory
from messaging.models import Message, MessageStatus
from participants.models import Status
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_the_admin_opens_on_each_coming_events_people_and_messages_in_russian(organiser_client):
    coming = EventFactory(title_ru="Диалог в Баткене")
    past = EventFactory(
        title_ru="Диалог в Оше",
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=30) + datetime.timedelta(hours=8),
    )
    registered = ParticipantFactory.create_batch(3, event=coming, status=Status.REGISTERED)
    ParticipantFactory(event=coming, status=Status.WAITLISTED)
    ParticipantFactory(event=past, status=Status.ATTENDED)
    Message.objects.create(
        event=coming, participant=registered[0], kind="confirmation", to_address="a@example.org",
        language="ru", subject="s", body_text="t", status=MessageStatus.FAILED, idempotency_key="k1",
    )  # fmt: skip

    page = organiser_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Диалог в Баткене" in page and "Диалог в Оше" not in page
    assert f'?event__id__exact={coming.pk}&amp;status__exact=registered">Зарегистрирован(а): <strong>3</strong>' in page
    assert f'?event__id__exact={coming.pk}&amp;status__exact=failed">' in page


def test_staff_without_a_role_sees_no_figures(client, django_user_model):
    EventFactory(title_en="Dialogue in Batken")
    user = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(user)

    page = client.get("/admin/").content.decode()

    assert "Dialogue in Batken" not in page
