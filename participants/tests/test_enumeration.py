"""Nobody learns from our pages whether an email address or a phone number is registered."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from agenda.tests.factories import EventFactory
from messaging.models import Channel, Message, MessageKind
from participants import services
from participants.models import AddressChange, Participant, Status

from .factories import DistrictFactory, ParticipantFactory
from .test_views import form_data, register_url

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_csrf(page):
    return CSRF.sub("", page)


def whole_path(event, data):
    """What a visitor of the public form sees, from sending it to trying the pages after it."""
    visitor = Client()
    answer = visitor.post(register_url(event), data)
    return {
        "answer": (answer.status_code, answer["Location"]),
        "registered page": without_csrf(visitor.get(answer["Location"]).content.decode()),
        "own page": (lambda page: (page.status_code, without_csrf(page.content.decode())))(
            visitor.get(f"/en/events/{event.slug}/me/")
        ),
        "cookies": sorted(visitor.cookies.keys()),
    }


@pytest.mark.parametrize(
    ("taken", "submitted"),
    [
        ({"email": "aigul@example.org"}, {"email": "AIGUL@example.org", "phone": "0700 999 888"}),
        ({"phone": "+996555123456", "email": ""}, {"email": "", "phone": "0555 123 456"}),
    ],
    ids=["taken email", "taken phone, no email"],
)
def test_the_public_form_goes_the_same_way_for_a_taken_address_as_for_a_new_one(open_event, taken, submitted):
    owner = ParticipantFactory(event=open_event, status=Status.REGISTERED, **taken)
    new_address = {"email": "" if not submitted["email"] else "new@example.org", "phone": "0700 555 444"}

    new = whole_path(open_event, form_data(open_event, full_name="Жаңы Катышуучу", **new_address))
    known = whole_path(open_event, form_data(open_event, full_name="Жаңы Катышуучу", **submitted))

    assert known == new
    assert new["own page"][0] == 403
    assert Participant.objects.filter(event=open_event).count() == 2  # the owner and the new one
    assert owner.messages.get().kind == MessageKind.ALREADY_REGISTERED
    assert owner.full_name not in known["registered page"]


def test_a_phone_only_registrant_is_told_the_organisers_send_her_link(client, open_event):
    response = client.post(register_url(open_event), form_data(open_event, email=""), follow=True)

    page = response.content.decode()
    assert "The organisers will send your personal link to the phone number you gave" in page
    message = Participant.objects.get().messages.get()
    assert (message.channel, message.kind) == (Channel.BY_HAND, MessageKind.CONFIRMATION)
    assert Participant.objects.get().access_token in message.body_text


# Her own page


@pytest.fixture
def her(open_event):
    participant = ParticipantFactory(event=open_event, status=Status.REGISTERED, email="her@example.org")
    return participant


def own_page_client(participant):
    visitor = Client()
    visitor.get(participant.get_personal_url())
    return visitor


@pytest.fixture
def change_contact():
    """Send her own page's form as she finds it, with these changes.

    The form is made once per test, so that every page draws the same districts.
    """
    forms = {}

    def change(visitor, participant, **changes):
        if participant.pk not in forms:
            forms[participant.pk] = form_data(
                participant.event, email=participant.email, phone=participant.phone, preferred_language="en"
            )
            del forms[participant.pk]["submission_key"]
        url = f"/en/events/{participant.event.slug}/me/"
        return visitor.post(url, {**forms[participant.pk], **changes}, follow=True)

    return change


def shown(response, address):
    return without_csrf(response.content.decode()).replace(address, "ADDRESS")


def test_her_page_says_the_same_for_a_taken_email_as_for_a_free_one(her, change_contact):
    other = ParticipantFactory(event=her.event, email="other@example.org")
    visitor = own_page_client(her)

    taken = change_contact(visitor, her, email="Other@example.org")
    free = change_contact(visitor, her, email="free@example.org")

    assert taken.status_code == free.status_code == 200
    assert shown(taken, "other@example.org") == shown(free, "free@example.org")
    assert "We have sent a link to other@example.org." in taken.content.decode()
    assert "Another participant" not in taken.content.decode()
    her.refresh_from_db()
    assert her.email == "her@example.org"  # nothing changes before the new address confirms
    assert other.messages.get().kind == MessageKind.ALREADY_REGISTERED
    confirmation = Message.objects.get(kind=MessageKind.ADDRESS_CHANGE)
    assert (confirmation.to_address, confirmation.channel) == ("free@example.org", Channel.EMAIL)
    # The address may be mistyped: the message names nobody and carries no personal link.
    assert her.access_token not in confirmation.body_text + confirmation.body_html
    assert her.full_name not in confirmation.body_text


def test_her_page_says_the_same_for_a_taken_phone_as_for_a_free_one(her, change_contact):
    other = ParticipantFactory(event=her.event, phone="+996700123123", email="")
    visitor = own_page_client(her)

    taken = change_contact(visitor, her, phone="0700 123 123")
    free = change_contact(visitor, her, phone="0700 321 321")

    assert shown(taken, "+996700123123") == shown(free, "+996700321321")
    her.refresh_from_db()
    assert her.phone != "+996700321321"
    assert other.messages.get().channel == Channel.BY_HAND  # her notice, for the organisers to pass on
    confirmation = Message.objects.get(kind=MessageKind.ADDRESS_CHANGE)
    assert (confirmation.to_address, confirmation.channel) == ("+996700321321", Channel.BY_HAND)


def confirm_link(message):
    return re.search(r"https?://\S+(/\w\w/a/[^\s/]+/)", message.body_text).group(1)


def test_a_new_email_is_hers_once_she_opens_the_link_sent_to_it(her, change_contact):
    change_contact(own_page_client(her), her, email="new@example.org")
    link = confirm_link(Message.objects.get(kind=MessageKind.ADDRESS_CHANGE))
    mail_app = Client()

    preview = mail_app.get(link)
    her.refresh_from_db()
    assert her.email == "her@example.org"  # a link preview changes nothing
    assert "Use new@example.org as your email address for this event?" in preview.content.decode()

    confirmed = mail_app.post(link)

    her.refresh_from_db()
    assert her.email == "new@example.org"
    assert "Your email address is now new@example.org." in confirmed.content.decode()
    assert "private" in confirmed["Cache-Control"] and "no-store" in confirmed["Cache-Control"]


def test_a_confirmation_link_dies_with_her_personal_link_or_after_a_week(her, change_contact):
    change_contact(own_page_client(her), her, email="old@example.org")
    old = confirm_link(Message.objects.get(to_address="old@example.org"))
    AddressChange.objects.filter(address="old@example.org").update(
        created_at=timezone.now() - services.ADDRESS_CHANGE_MAX_AGE - datetime.timedelta(minutes=1)
    )
    change_contact(own_page_client(her), her, email="new@example.org")
    link = confirm_link(Message.objects.get(to_address="new@example.org"))

    assert Client().post(old).status_code == 410

    services.replace_personal_links([her])

    assert Client().post(link).status_code == 404
    assert Client().get("/en/a/tampered-value/").status_code == 404
    her.refresh_from_db()
    assert her.email == "her@example.org"


def test_a_confirmation_link_is_short_and_works_once(her, change_contact):
    change_contact(own_page_client(her), her, email="new@example.org")
    link = confirm_link(Message.objects.get(kind=MessageKind.ADDRESS_CHANGE))
    assert re.fullmatch(r"/en/a/[\w-]{22}/", link)
    Client().post(link)
    change_contact(own_page_client(her), her, email="newer@example.org")
    Client().post(confirm_link(Message.objects.get(to_address="newer@example.org")))

    again = Client().post(link)

    assert again.status_code == 404
    her.refresh_from_db()
    assert her.email == "newer@example.org"


def test_an_address_taken_after_the_link_was_sent_is_not_given_to_her(her, change_contact):
    change_contact(own_page_client(her), her, email="new@example.org")
    link = confirm_link(Message.objects.get(kind=MessageKind.ADDRESS_CHANGE))
    ParticipantFactory(event=her.event, email="new@example.org")

    response = Client().post(link)

    assert "This address cannot be used" in response.content.decode()
    her.refresh_from_db()
    assert her.email == "her@example.org"


def test_taking_an_address_away_is_saved_at_once_while_another_remains(her, change_contact):
    response = change_contact(own_page_client(her), her, email="")

    her.refresh_from_db()
    assert her.email == "" and her.phone
    assert "Your changes are saved." in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.ADDRESS_CHANGE).exists()


def test_new_addresses_are_limited_per_person_whether_taken_or_free(her, settings, change_contact):
    settings.ADDRESS_CHANGE_RATE_LIMIT = "2/h"
    ParticipantFactory(event=her.event, email="taken@example.org")

    visitor = own_page_client(her)
    statuses = [change_contact(visitor, her, email=address).status_code for address in ("a@example.org", "taken@example.org")]
    # A new session, from another connection, counts for the same person.
    limited = change_contact(own_page_client(her), her, email="b@example.org")
    other_details = change_contact(visitor, her, dietary_needs="Halal")

    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert "too often" in limited.content.decode()
    assert other_details.status_code == 200  # other changes are never held back
    assert not Message.objects.filter(to_address="b@example.org").exists()


def test_an_invitee_accepting_with_a_new_email_confirms_it_the_same_way(open_event, change_contact):
    invitee = ParticipantFactory(event=open_event, status=Status.INVITED, email="")
    other = ParticipantFactory(event=open_event, email="taken@example.org")

    response = change_contact(own_page_client(invitee), invitee, email="taken@example.org")

    invitee.refresh_from_db()
    assert invitee.status == Status.REGISTERED and invitee.email == ""
    assert "We have sent a link to taken@example.org." in response.content.decode()
    assert other.messages.get().kind == MessageKind.ALREADY_REGISTERED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_registering_on_a_phone_in_kyrgyz_ends_on_a_page_without_the_link(live_server, phone, tmp_path):
    now = timezone.now()
    event = EventFactory(
        title_ky="Баткендеги диалог",
        open_registration=True,
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=7),
    )
    DistrictFactory(name_ky="Лейлек району", region__name_ky="Баткен облусу")
    ParticipantFactory(event=event, phone="+996555101201", email="", status=Status.REGISTERED)

    phone.goto(f"{live_server.url}/ky/events/{event.slug}/register/")
    phone.get_by_label("Толук аты-жөнү*").fill("Айгүл Токтосунова")
    phone.locator("#id_category").select_option(index=1)
    phone.locator("#id_district").select_option(label="Лейлек району")
    phone.locator("#id_phone").fill("0555 101 201")  # somebody else's number
    phone.locator("#id_consent_data_processing").check()
    phone.get_by_role("button", name="Катталуу").click()

    phone.wait_for_url(f"**/ky/events/{event.slug}/registered/")
    phone.screenshot(path=tmp_path / "registered-ky-phone.png", full_page=True)
    assert phone.get_by_role("heading", level=1).inner_text() == "Рахмат"
    assert "Сиз «Баткендеги диалог» иш-чарасына катталдыңыз." in phone.get_by_role("status").inner_text()
    assert phone.get_by_role("heading", level=2).inner_text() == "Сиздин жеке шилтемеңиз"
    assert "/p/" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert Participant.objects.filter(event=event).count() == 1
