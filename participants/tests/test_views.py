import datetime
import re
import uuid

import pytest
from django.utils import timezone

from agenda.models import Event
from agenda.tests.factories import EventFactory
from participants import services
from messaging.models import Channel, Message
from participants.models import ConsentKind, Participant, Status

from .factories import DistrictFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def form_data(event, **overrides):
    data = {
        "full_name": "Айгүл Өмүрбекова",
        "gender": "woman",
        "age_band": "30_44",
        "category": event.categories.filter(open_to_public=True).first().pk,
        "organisation": "Aiyl kenesh of Ak-Sai",
        "district": DistrictFactory().pk,
        "village": "Ак-Сай",
        "phone": "0555 123 456",
        "email": "aigul@example.org",
        "preferred_channel": "whatsapp",
        "preferred_language": "ky",
        "accommodation_nights": "1",
        "visibility": "organisers_only",
        "consent_data_processing": "on",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register_url(event, language="en"):
    return f"/{language}/events/{event.slug}/register/"


def test_registration_form_opens_in_russian(client, open_event):
    response = client.get(register_url(open_event, "ru"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="full_name"' in page and 'name="consent_data_processing"' in page
    assert 'lang="ru"' in page


def test_registration_form_offers_districts_grouped_by_region(client, open_event):
    district = DistrictFactory(name="Leilek district", region__name="Batken region")

    page = client.get(register_url(open_event)).content.decode()

    assert re.search(r'<optgroup label="Batken region">\s*<option value="%d">Leilek district</option>' % district.pk, page)


def test_registration_form_does_not_offer_organiser_only_categories(client, open_event):
    page = client.get(register_url(open_event)).content.decode()
    assert "Organiser staff" not in page
    assert "Women activist" in page


def test_registering_saves_one_participant_and_sends_the_link_to_her_address(client, open_event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(register_url(open_event), form_data(open_event), follow=True)

    participant = Participant.objects.get()
    assert participant.status == Status.REGISTERED
    assert participant.phone == "+996555123456"
    assert participant.full_name == "Айгүл Өмүрбекова"
    assert response.redirect_chain[-1][0] == f"/en/events/{open_event.slug}/registered/"
    page = response.content.decode()
    assert "You are registered" in page
    assert "We are sending your personal link to the email address you gave." in page
    assert participant.access_token not in page
    assert f"/ky/p/{participant.access_token}/" in participant.messages.get().body_text
    assert len(callbacks) == 1


def test_registering_on_a_full_event_says_waiting_list(client, open_event):
    open_event.capacity = 1
    open_event.save()
    ParticipantFactory(event=open_event, status=Status.REGISTERED)

    page = client.post(register_url(open_event), form_data(open_event), follow=True).content.decode()

    assert "you are on the waiting list" in page
    assert Participant.objects.get(email="aigul@example.org").status == Status.WAITLISTED


def without_csrf(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def client_class_instance():
    from django.test import Client

    return Client()


def test_the_same_form_sent_twice_is_one_registration_and_one_email(client, open_event):
    data = form_data(open_event)

    first = client.post(register_url(open_event), data, follow=True)
    second = client.post(register_url(open_event), data, follow=True)

    assert Participant.objects.count() == 1
    assert Message.objects.count() == 1
    assert without_csrf(first.content.decode()) == without_csrf(second.content.decode())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "This field is required."),
        ("full_name", "А" * 5000, "Ensure this value has at most 200 characters (it has 5000)."),
        ("full_name", "<script>alert(1)</script>", "Please write the name with letters only"),
        ("full_name", "Айгүл 🌸", "Please write the name with letters only"),
        ("organisation", "<b>NGO</b>", "Please remove the &lt; and &gt; signs."),
        ("accessibility_needs", "x" * 5000, "Ensure this value has at most 1000 characters (it has 5000)."),
        ("phone", "12345", "Enter a valid phone number"),
        ("phone", "📞📞📞", "Enter a valid phone number"),
        ("email", "aigul@", "Enter a valid email address."),
        ("consent_data_processing", None, "This field is required."),
        ("category", "99999", "Select a valid choice."),
        ("district", "99999", "Select a valid choice."),
        ("accommodation_nights", "-1", "Ensure this value is greater than or equal to 0."),
        ("accommodation_nights", "31", "Ensure this value is less than or equal to 30."),
        ("preferred_language", "de", "Select a valid choice."),
    ],
)
def test_bad_input_is_answered_with_a_clear_message_and_saves_nothing(client, open_event, field, value, message):
    response = client.post(register_url(open_event), form_data(open_event, **{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Participant.objects.exists()


def test_a_mangled_form_key_still_registers(client, open_event):
    response = client.post(register_url(open_event), form_data(open_event, submission_key="<not-a-uuid>"))

    assert response.status_code == 302
    assert Participant.objects.get().submission_key is None


def test_no_phone_and_no_email_asks_for_one(client, open_event):
    response = client.post(register_url(open_event), form_data(open_event, phone="", email=""))

    assert response.status_code == 400
    assert "Give a phone number or an email address" in response.content.decode()


def test_a_failed_form_keeps_what_was_typed(client, open_event):
    response = client.post(register_url(open_event), form_data(open_event, phone="12", dietary_needs="Без глютена"))

    page = response.content.decode()
    assert 'value="Без глютена"' in page
    assert 'value="Айгүл Өмүрбекова"' in page


def test_kyrgyz_letters_and_phone_without_email_are_accepted(client, open_event):
    client.post(register_url(open_event), form_data(open_event, full_name="Ңурзат Өмүрзакова Үмүт кызы", email=""))

    participant = Participant.objects.get()
    assert participant.full_name == "Ңурзат Өмүрзакова Үмүт кызы"
    assert participant.email == ""
    assert Message.objects.get().channel == Channel.BY_HAND  # the confirmation waits for an organiser


def test_errors_are_in_the_persons_language(client, open_event):
    response = client.post(register_url(open_event, "ru"), form_data(open_event, full_name=""))

    assert "Обязательное поле." in response.content.decode()


def test_html_typed_into_a_free_text_field_is_shown_as_text(client, open_event):
    client.post(register_url(open_event), form_data(open_event, dietary_needs='"quoted" & fine'))
    participant = Participant.objects.get()
    client.get(personal_url(participant))
    session_page = client.get(f"/en/events/{open_event.slug}/me/").content.decode()

    assert participant.dietary_needs == '"quoted" & fine'
    assert "&quot;quoted&quot; &amp; fine" in session_page


def test_registration_is_refused_kindly_when_closed(client, open_event):
    open_event.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    open_event.save()

    get = client.get(register_url(open_event, "ru"))
    post = client.post(register_url(open_event), form_data(open_event))

    assert get.status_code == 403 and post.status_code == 403
    assert "Регистрация закрыта" in get.content.decode()
    assert not Participant.objects.exists()


def test_registration_closed_while_she_was_typing_is_refused_kindly_and_saves_nothing(client, open_event):
    assert client.get(register_url(open_event, "ru")).status_code == 200  # the page, and the event it was drawn with
    Event.objects.filter(pk=open_event.pk).update(registration_closes_at=timezone.now() - datetime.timedelta(minutes=1))

    post = client.post(register_url(open_event, "ru"), form_data(open_event))

    assert post.status_code == 403
    assert "Регистрация закрыта" in post.content.decode()
    assert not Participant.objects.exists()


def test_event_withdrawn_while_she_was_typing_is_not_found_and_saves_nothing(client, open_event):
    assert client.get(register_url(open_event)).status_code == 200
    Event.objects.filter(pk=open_event.pk).update(is_published=False)

    post = client.post(register_url(open_event), form_data(open_event))

    assert post.status_code == 404
    assert not Participant.objects.exists()


def test_invitation_only_event_has_no_public_form(client):
    event = EventFactory(open_registration=False)

    response = client.get(register_url(event))

    assert response.status_code == 403
    assert "Participation is by invitation" in response.content.decode()


def test_registration_is_rate_limited_per_address(client, open_event, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"

    statuses = [
        client.post(register_url(open_event), form_data(open_event, email=f"p{n}@example.org", phone=f"0700 00000{n}")).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert Participant.objects.count() == 2


def test_rate_limit_lets_people_register_when_redis_is_down(client, open_event, settings):
    settings.REGISTRATION_RATE_LIMIT = "1/m"
    settings.CACHES = {**settings.CACHES, "ratelimit": {**settings.CACHES["ratelimit"], "LOCATION": "redis://127.0.0.1:1/0"}}

    statuses = [
        client.post(register_url(open_event), form_data(open_event, email=f"p{n}@example.org", phone=f"0700 00000{n}")).status_code
        for n in range(2)
    ]

    assert statuses == [302, 302]


def test_event_page_links_to_the_form_while_registration_is_open(client, open_event):
    page = client.get(f"/en/events/{open_event.slug}/").content.decode()
    assert f'href="/en/events/{open_event.slug}/register/"' in page


# Personal links


def personal_url(participant):
    # In the participant's own language, as the organisers send it.
    return participant.get_personal_url()


def test_personal_link_is_swapped_for_the_session(client):
    participant = ParticipantFactory(full_name="Жылдыз Абдыкадырова")

    response = client.get(personal_url(participant))

    assert response.status_code == 302
    assert response["Location"] == f"/en/events/{participant.event.slug}/me/"
    assert participant.access_token not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Hello, Жылдыз Абдыкадырова" in page
    assert 'value="Жылдыз Абдыкадырова"' in page  # the form is prefilled


def test_invitee_accepts_from_the_personal_page(client):
    participant = ParticipantFactory(status=Status.INVITED, preferred_language="ru")
    client.get(personal_url(participant))
    data = form_data(participant.event, email=participant.email, phone=participant.phone)
    del data["submission_key"]

    response = client.post(f"/ru/events/{participant.event.slug}/me/", data, follow=True)

    participant.refresh_from_db()
    assert participant.status == Status.REGISTERED
    assert services.current_consents(participant)[ConsentKind.DATA_PROCESSING] is True
    assert "Спасибо" in response.content.decode()


def test_the_invitation_asks_for_her_answer_before_the_details_in_kyrgyz(client):
    participant = ParticipantFactory(status=Status.INVITED, preferred_language="ky")
    client.get(personal_url(participant))

    page = client.get(f"/ky/events/{participant.event.slug}/me/").content.decode()

    question = page.index("Келесизби?")
    assert question < page.index('href="#accept"') < page.index("/decline/") < page.index('name="full_name"')


def test_invitee_declines_with_a_reason(client):
    participant = ParticipantFactory(status=Status.INVITED)
    client.get(personal_url(participant))

    response = client.post(f"/en/events/{participant.event.slug}/me/decline/", {"reason": "I am in Bishkek that day"}, follow=True)

    participant.refresh_from_db()
    assert participant.status == Status.DECLINED
    assert participant.decline_reason == "I am in Bishkek that day"
    assert "You have declined the invitation" in response.content.decode()


def test_registered_person_changes_needs_through_the_personal_page(client):
    participant = ParticipantFactory(status=Status.REGISTERED)
    client.get(personal_url(participant))
    data = form_data(participant.event, email=participant.email, phone=participant.phone, dietary_needs="Vegetarian")
    del data["submission_key"]

    response = client.post(f"/en/events/{participant.event.slug}/me/", data, follow=True)

    participant.refresh_from_db()
    assert participant.dietary_needs == "Vegetarian"
    assert "Your changes are saved." in response.content.decode()


def test_her_page_lists_her_sessions_with_calendar_links_in_kyrgyz(client):
    from agenda.tests.factories import SessionFactory, TrackFactory

    event = EventFactory()
    water, land = TrackFactory(event=event, title="Water"), TrackFactory(event=event, title="Land")
    opening = SessionFactory(event=event, title="Opening", track=None)
    hers = SessionFactory(event=event, title="Water sharing at the border", track=water, room="Room A")
    other = SessionFactory(event=event, title="Pastures", track=land)
    SessionFactory(event=event, title="Lunch", track=None, is_break=True)
    participant = ParticipantFactory(event=event, status=Status.REGISTERED, track=water, preferred_language="ky")
    client.get(personal_url(participant))

    page = client.get(f"/ky/events/{event.slug}/me/").content.decode()

    assert "Менин сессияларым" in page
    assert "Opening" in page and "Water sharing at the border" in page and "Room A" in page
    assert "Pastures" not in page and "Lunch" not in page
    for session in (opening, hers):
        assert f"/ky/events/{event.slug}/sessions/{session.pk}.ics" in page
    assert f"/sessions/{other.pk}.ics" not in page


def test_registered_person_cancels_and_the_seat_goes_to_the_waiting_list(client):
    event = EventFactory(capacity=1)
    participant = ParticipantFactory(event=event, status=Status.REGISTERED)
    waiting = ParticipantFactory(event=event, status=Status.WAITLISTED, registered_at=timezone.now())
    client.get(personal_url(participant))

    response = client.post(f"/en/events/{event.slug}/me/cancel/", {"confirm": "yes"}, follow=True)

    participant.refresh_from_db()
    waiting.refresh_from_db()
    assert participant.status == Status.CANCELLED
    assert waiting.status == Status.REGISTERED
    assert response.content.decode().count("Your registration is cancelled.") == 1


def cancel_url(event, language="ky"):
    return f"/{language}/events/{event.slug}/me/cancel/"


def test_cancelling_asks_first_in_kyrgyz_and_does_not_cancel(client):
    participant = ParticipantFactory(status=Status.REGISTERED, preferred_language="ky")
    client.get(personal_url(participant))
    page = client.get(f"/ky/events/{participant.event.slug}/me/").content.decode()
    assert f'href="{cancel_url(participant.event)}">Каттоомду жокко чыгаруу</a>' in page

    asked = client.get(cancel_url(participant.event))
    # The one-tap form of a page drawn before this step is asked too.
    old_form = client.post(cancel_url(participant.event))

    participant.refresh_from_db()
    assert participant.status == Status.REGISTERED
    for response in (asked, old_form):
        assert response.status_code == 200
        page = response.content.decode()
        assert "Чын элеби? Сиздин ордуңуз күтүү тизмесиндеги кийинки адамга өтөт." in page
        assert ">Ооба, жокко чыгаруу</button>" in page
        assert f'href="/ky/events/{participant.event.slug}/me/">Жок, ордумду сактап калам</a>' in page


def test_confirming_cancels_once_and_says_so_once_in_kyrgyz(client):
    participant = ParticipantFactory(status=Status.REGISTERED, preferred_language="ky")
    client.get(personal_url(participant))

    response = client.post(cancel_url(participant.event), {"confirm": "yes"}, follow=True)
    again = client.post(cancel_url(participant.event), {"confirm": "yes"}, follow=True)

    participant.refresh_from_db()
    assert participant.status == Status.CANCELLED
    assert participant.status_changes.filter(to_status=Status.CANCELLED).count() == 1
    for page in (response.content.decode(), again.content.decode()):
        assert page.count("Сиздин каттооңуз жокко чыгарылды.") == 1
        assert "Каттоомду жокко чыгаруу" not in page


def test_someone_waiting_is_asked_about_her_place_on_the_list(client):
    participant = ParticipantFactory(status=Status.WAITLISTED, preferred_language="ky", registered_at=timezone.now())
    client.get(personal_url(participant))

    page = client.get(cancel_url(participant.event)).content.decode()

    assert "Чын элеби? Сиз күтүү тизмесинен чыгасыз." in page
    assert "Жок, күтүү тизмесинде калам" in page
    assert "ордуңуз" not in page


@pytest.mark.parametrize("token", ["tampered-token", "x" * 500, "%00", "'; DROP TABLE participants_participant; --"])
def test_tampered_link_gets_a_friendly_page(client, token):
    response = client.get(f"/ky/p/{token}/")

    assert response.status_code == 404
    assert 'lang="ky"' in response.content.decode()


def test_revoked_link_no_longer_works_even_in_an_open_session(client):
    participant = ParticipantFactory()
    old_url = personal_url(participant)
    client.get(old_url)

    services.replace_personal_links([participant])

    assert client.get(old_url).status_code == 404
    assert b"does not work" in client.get(old_url).content
    assert client.get(f"/en/events/{participant.event.slug}/me/").status_code == 403


def test_link_of_a_long_past_event_has_expired(client):
    now = timezone.now()
    event = EventFactory(starts_at=now - datetime.timedelta(days=400), ends_at=now - datetime.timedelta(days=399))
    participant = ParticipantFactory(event=event)

    response = client.get(personal_url(participant))

    assert response.status_code == 410
    assert b"This link has expired" in response.content


def test_personal_page_without_a_link_asks_for_it(client):
    event = EventFactory()

    response = client.get(f"/en/events/{event.slug}/me/")

    assert response.status_code == 403
    assert b"open your personal link again" in response.content


def test_invitation_answer_after_registration_closed_is_refused_kindly(client):
    now = timezone.now()
    event = EventFactory(registration_closes_at=now - datetime.timedelta(hours=1), registration_opens_at=now - datetime.timedelta(days=9))
    participant = ParticipantFactory(event=event, status=Status.INVITED)
    client.get(personal_url(participant))

    page = client.get(f"/en/events/{event.slug}/me/").content.decode()
    response = client.post(f"/en/events/{event.slug}/me/", form_data(event), follow=True)

    assert "Registration for this event is closed." in page
    assert "Registration for this event is closed." in response.content.decode()
    participant.refresh_from_db()
    assert participant.status == Status.INVITED


def test_blank_form_drawn_from_cache_still_carries_a_fresh_key_per_visitor(client, open_event):
    first = client.get(register_url(open_event)).content.decode()
    second = client_class_instance().get(register_url(open_event)).content.decode()

    keys = [re.search(r'name="submission_key" value="([^"]+)"', page).group(1) for page in (first, second)]
    assert keys[0] != keys[1]
    assert 'name="full_name"' in second


def test_shared_blank_form_gives_each_visitor_a_token_that_works(open_event):
    from django.test import Client

    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get(register_url(open_event)).content.decode() for visitor in visitors]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1) for page in pages]

    for number, (visitor, token) in enumerate(zip(visitors, tokens)):
        data = form_data(open_event, email=f"visitor{number}@example.org", phone=f"+99670010000{number}")
        response = visitor.post(register_url(open_event), {**data, "csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert "__csrf_token__" not in pages[1]
    assert Participant.objects.filter(event=open_event).count() == 2


def test_registration_form_shows_a_message_waiting_for_the_visitor(client, open_event):
    client.get(register_url(open_event))  # the shared page is drawn
    participant = ParticipantFactory(event=open_event, status=Status.REGISTERED)
    client.get(personal_url(participant))
    client.post(f"/en/events/{open_event.slug}/me/decline/", {"reason": "x"})  # refused: not invited

    page = client.get(register_url(open_event)).content.decode()

    assert "Your answer could not be saved." in page


def test_shared_blank_form_is_not_served_after_registration_closes(client, open_event):
    import time

    open_event.registration_closes_at = timezone.now() + datetime.timedelta(seconds=1)
    open_event.save()
    assert client.get(register_url(open_event)).status_code == 200

    time.sleep(1.1)
    response = client.get(register_url(open_event))

    assert response.status_code == 403
    assert "Registration is not open" in response.content.decode()
