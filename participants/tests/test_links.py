"""Personal links and the sessions they open: replacing a link, renewing and ending a session, no caching."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from agenda.tests.factories import EventFactory
from dialogue_event.roles import ensure_role_groups
from messaging.models import Channel, MessageKind
from participants import services
from participants.models import Participant, Status

from .factories import ParticipantFactory
from .test_views import form_data, register_url

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "/admin/participants/participant/"


@pytest.fixture
def organiser_client(client, django_user_model):
    user = django_user_model.objects.create_user("organiser", is_staff=True)
    user.groups.add(ensure_role_groups())
    client.force_login(user)
    return client


@pytest.fixture
def client_factory():
    return Client


def replace_links(client, participants):
    return client.post(
        CHANGELIST_URL,
        {"action": "replace_personal_links", "_selected_action": [p.pk for p in participants]},
        follow=True,
    )


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def my_page(participant):
    return f"/en/events/{participant.event.slug}/me/"


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.WAITLISTED, Status.DECLINED, Status.CANCELLED, Status.ATTENDED])
def test_organiser_replaces_a_link_and_the_old_one_dies_at_once_even_on_an_open_page(
    organiser_client, client_factory, status
):
    participant = ParticipantFactory(status=status, preferred_language="ru")
    old_link = participant.get_personal_url()
    her_phone = client_factory()
    her_phone.get(old_link)
    assert her_phone.get(my_page(participant)).status_code == 200

    response = replace_links(organiser_client, [participant])

    participant.refresh_from_db()
    assert her_phone.get(my_page(participant)).status_code == 403
    assert her_phone.get(old_link).status_code == 404
    message = participant.messages.get()
    assert (message.kind, message.channel, message.language) == (MessageKind.NEW_LINK, Channel.EMAIL, "ru")
    assert f"/ru/p/{participant.access_token}/" in message.body_text
    assert "New links on their way by email: 1." in shown_messages(response)
    assert her_phone.get(participant.get_personal_url()).status_code == 302


def test_a_replaced_link_of_someone_without_email_waits_to_be_delivered_by_hand(organiser_client):
    participant = ParticipantFactory(status=Status.REGISTERED, email="", full_name="Назгүл Бекова", preferred_language="ky")

    response = replace_links(organiser_client, [participant])

    participant.refresh_from_db()
    message = participant.messages.get()
    assert (message.channel, message.to_address) == (Channel.BY_HAND, participant.phone)
    assert f"/ky/p/{participant.access_token}/" in message.body_text
    assert any("deliver by hand" in text and "Назгүл Бекова" in text for text in shown_messages(response))


def test_an_invitee_gets_her_invitation_again_with_the_new_link_unless_it_never_went_out(organiser_client):
    event = EventFactory()
    invited = ParticipantFactory(event=event)
    services.send_invitations([invited])
    not_yet_invited = ParticipantFactory(event=event, full_name="Гүлзат Турдубаева")
    old_token = not_yet_invited.access_token

    response = replace_links(organiser_client, [invited, not_yet_invited])

    invited.refresh_from_db()
    not_yet_invited.refresh_from_db()
    invitations = invited.messages.filter(kind=MessageKind.INVITATION)
    assert invitations.count() == 2
    assert f"/en/p/{invited.access_token}/" in invitations.first().body_text
    assert not not_yet_invited.messages.exists()
    assert not_yet_invited.access_token != old_token
    assert any("Гүлзат Турдубаева" in text and "has not gone out yet" in text for text in shown_messages(response))
    assert "Personal links replaced: 2. The old links no longer work, not even on pages already open." in (
        shown_messages(response)
    )


def test_staff_without_the_organiser_role_cannot_replace_links(client, django_user_model):
    participant = ParticipantFactory(status=Status.REGISTERED)
    token = participant.access_token
    staff = django_user_model.objects.create_user("helper", is_staff=True)
    client.force_login(staff)

    replace_links(client, [participant])

    participant.refresh_from_db()
    assert participant.access_token == token


def test_opening_a_link_gives_the_browser_a_new_session(client):
    participant = ParticipantFactory()
    client.get(f"/en/events/{participant.event.slug}/")
    client.session.save()
    before = client.session.session_key

    client.get(participant.get_personal_url())

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_registering_gives_the_browser_a_new_session(client, open_event):
    client.get(register_url(open_event))
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key

    client.post(register_url(open_event), form_data(open_event))

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_personal_pages_are_never_kept_in_a_cache(client, open_event):
    participant = ParticipantFactory(event=open_event, status=Status.REGISTERED)
    responses = {
        "link": client.get(participant.get_personal_url()),
        "own page": client.get(my_page(participant)),
    }
    client.post(register_url(open_event), form_data(open_event))
    responses["registered page"] = client.get(f"/en/events/{open_event.slug}/registered/")
    responses["no session"] = Client().get(my_page(participant))

    for name, response in responses.items():
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, name


def test_sign_out_on_this_device_closes_her_pages_until_she_opens_her_link_again(client):
    participant = ParticipantFactory(status=Status.REGISTERED)
    client.get(participant.get_personal_url())
    page = client.get(my_page(participant)).content.decode()
    assert "Sign out on this device" in page

    response = client.post(f"/en/events/{participant.event.slug}/me/sign-out/", follow=True)

    assert "You are signed out on this device." in response.content.decode()
    assert client.get(my_page(participant)).status_code == 403
    client.get(participant.get_personal_url())
    assert client.get(my_page(participant)).status_code == 200


def test_a_form_key_sent_again_with_other_details_answers_only_for_its_own_form(client_factory, open_event):
    first_data = form_data(open_event)
    first_visitor, second_visitor = client_factory(), client_factory()
    first_visitor.post(register_url(open_event), first_data)
    first = Participant.objects.get()

    # Someone at the same shared computer sends the kept page again, with her own details.
    second_data = {**first_data, "full_name": "Бермет Осмонова", "email": "bermet@example.org", "phone": "0700 111 222"}
    response = second_visitor.post(register_url(open_event), second_data, follow=True)

    second = Participant.objects.exclude(pk=first.pk).get()
    assert second.full_name == "Бермет Осмонова" and second.submission_key is None
    assert second.messages.get().kind == MessageKind.CONFIRMATION
    assert first.messages.count() == 1  # her own confirmation, nothing more
    page = response.content.decode()
    assert first.access_token not in page and first.full_name not in page
    assert second_visitor.get(my_page(first)).status_code == 403


def test_the_same_form_sent_twice_is_still_one_registration(client, open_event):
    data = form_data(open_event)

    client.post(register_url(open_event), data)
    client.post(register_url(open_event), data)

    assert Participant.objects.count() == 1
    assert Participant.objects.get().messages.count() == 1


def test_guessing_links_is_slowed_down_per_connection(client, settings):
    settings.PERSONAL_LINK_RATE_LIMIT = "2/m"
    participant = ParticipantFactory()

    statuses = [client.get(f"/en/p/guess{n}abcdefghij/").status_code for n in range(2)]
    limited = client.get(participant.get_personal_url())

    assert statuses == [404, 404]
    assert limited.status_code == 429
    assert "Please wait a minute" in limited.content.decode()
