"""A person who is registered always learns so: nothing after the registration's commit can hide it.

The faults are real: another connection locks the session table, or the
request's own database connection is killed, just after the registration
commits and before the answer goes out.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import close_old_connections, connection, transaction
from django.db.models.signals import post_save
from django.test import Client
from django.utils import timezone

from agenda.tests.factories import EventFactory
from messaging.models import Message, MessageKind
from participants.models import Participant, Status

from .factories import DistrictFactory, ParticipantFactory
from .test_views import form_data, register_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_connection():
    """A second connection to the test database, as another process would hold one."""
    other = connection.get_new_connection(connection.get_connection_params())
    yield other
    other.rollback()  # lets go of any lock it took
    other.close()


def lock_the_session_table(other):
    """Another connection holds the session table; this one waits a moment for it, then gives up."""
    with other.cursor() as cursor:
        cursor.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")


def kill_the_connection(other):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


FAULTS = {"session table locked": lock_the_session_table, "connection killed": kill_the_connection}


@pytest.fixture
def after_the_commit():
    """Arm a fault that strikes just after the next registration commits.

    Both a new registration and a taken address write a message in the
    registration's transaction: the fault is attached to that transaction's commit.
    """
    armed = []

    def strike_on_commit(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if armed and sql.startswith('INSERT INTO "messaging_message"') and connection.in_atomic_block:
            transaction.on_commit(armed.pop())
        return result

    with connection.execute_wrapper(strike_on_commit):
        yield armed.append
    # Killed, or told to wait no longer for locks: not a connection for what follows.
    connection.close()


@pytest.fixture
def her_session(open_event):
    """A browser that already holds a session: she opened her personal link for an earlier event."""
    earlier = ParticipantFactory(status=Status.REGISTERED)
    visitor = Client()
    visitor.get(earlier.get_personal_url())
    return visitor, f"/en/events/{earlier.event.slug}/me/"


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("address", ["new", "taken"])
def test_she_ends_on_her_success_page_whatever_fails_after_the_commit(
    open_event, her_session, other_connection, after_the_commit, fault, address
):
    visitor, earlier_page = her_session
    if address == "taken":
        owner = ParticipantFactory(event=open_event, status=Status.REGISTERED, email="aigul@example.org")
    session_before = visitor.cookies["sessionid"].value
    after_the_commit(lambda: fault(other_connection))

    answer = visitor.post(register_url(open_event), form_data(open_event))
    # As every request on a server begins: a connection found dead is replaced.
    close_old_connections()
    page = visitor.get(answer["Location"])  # the session table may still be locked

    assert answer.status_code == 302
    assert answer["Location"] == f"/en/events/{open_event.slug}/registered/"
    assert page.status_code == 200
    assert f"You are registered for “{open_event.title}”." in page.content.decode()
    assert "We are sending your personal link to the email address you gave." in page.content.decode()
    other_connection.rollback()
    # Registering renewed her session and kept what it held.
    assert visitor.cookies["sessionid"].value != session_before
    assert not Session.objects.filter(session_key=session_before).exists()
    assert visitor.get(earlier_page).status_code == 200
    if address == "new":
        registered = Participant.objects.get(event=open_event)
        assert registered.status == Status.REGISTERED
        assert list(registered.messages.values_list("kind", flat=True)) == [MessageKind.CONFIRMATION]
    else:
        assert list(Participant.objects.filter(event=open_event)) == [owner]
        assert list(owner.messages.values_list("kind", flat=True)) == [MessageKind.ALREADY_REGISTERED]


def test_the_same_form_sent_again_is_answered_from_what_was_committed(open_event):
    open_event.capacity = 1
    open_event.save()
    data = form_data(open_event)
    # Her phone loses the connection before the answer comes: she is
    # registered, for the last seat, and has seen nothing.
    Client().post(register_url(open_event), data)

    again = Client().post(register_url(open_event), data, follow=True)

    assert again.redirect_chain == [(f"/en/events/{open_event.slug}/registered/", 302)]
    page = again.content.decode()
    assert f"You are registered for “{open_event.title}”." in page  # not the waiting list a new form would get
    assert "waiting list" not in page
    assert Participant.objects.get(event=open_event).status == Status.REGISTERED
    assert Message.objects.filter(kind=MessageKind.CONFIRMATION).count() == 1


def test_the_success_page_shows_only_in_the_browser_that_sent_the_form(open_event):
    Client().post(register_url(open_event), form_data(open_event))

    elsewhere = Client().get(f"/en/events/{open_event.slug}/registered/")

    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == f"/en/events/{open_event.slug}/"


def test_signing_out_on_this_device_forgets_the_page_after_the_form_too(open_event):
    visitor = Client()
    visitor.post(register_url(open_event), form_data(open_event))

    visitor.post(f"/en/events/{open_event.slug}/me/sign-out/")

    assert visitor.get(f"/en/events/{open_event.slug}/registered/").status_code == 302


@pytest.mark.browser
def test_on_a_phone_she_sees_she_is_registered_although_the_session_table_is_locked(
    live_server, phone, other_connection
):
    now = timezone.now()
    event = EventFactory(
        title_ru="Диалог в Оше",
        open_registration=True,
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=7),
    )
    DistrictFactory(name_ru="Кара-Сууйский район", region__name_ru="Ошская область")
    earlier = ParticipantFactory(status=Status.REGISTERED)
    phone.goto(live_server.url + earlier.get_personal_url())  # her session, from an earlier dialogue

    def strike_after_the_commit(sender, instance, created, **kwargs):
        # In the server's thread, on the connection that registers her.
        if created and instance.event_id == event.pk:
            transaction.on_commit(lambda: lock_the_session_table(other_connection))

    post_save.connect(strike_after_the_commit, sender=Participant, weak=False)
    try:
        phone.goto(f"{live_server.url}/ru/events/{event.slug}/register/")
        phone.get_by_label("Полное имя*").fill("Бермет Жумабаева")
        phone.locator("#id_category").select_option(index=1)
        phone.locator("#id_district").select_option(label="Кара-Сууйский район")
        phone.locator("#id_email").fill("bermet@example.org")
        phone.locator("#id_consent_data_processing").check()
        phone.get_by_role("button", name="Зарегистрироваться").click()

        phone.wait_for_url(f"**/ru/events/{event.slug}/registered/")
        assert phone.get_by_role("heading", level=1).inner_text() == "Спасибо"
        assert "Вы зарегистрированы на мероприятие «Диалог в Оше»." in phone.get_by_role("status").inner_text()
    finally:
        post_save.disconnect(strike_after_the_commit, sender=Participant)
        other_connection.rollback()

    assert Participant.objects.get(event=event).full_name == "Бермет Жумабаева"
    # Her session is whole: her page for the earlier dialogue still opens.
    earlier_page = phone.goto(f"{live_server.url}/ru/events/{earlier.event.slug}/me/")
    assert earlier_page.status == 200
    assert earlier.full_name in phone.get_by_role("heading", level=1).inner_text()
