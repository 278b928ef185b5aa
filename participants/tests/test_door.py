"""The door: finding people, checking them in once, taking it back, codes that are wrong, and walk-ins."""

import datetime
import gzip
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from agenda.tests.factories import DoorStaffFactory, EventFactory, SessionFactory, TrackFactory
from participants import services
from participants.folding import fold
from participants.models import Source, Status, StatusChange, Visibility
from participants.tests.factories import DistrictFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(slug="osh")


@pytest.fixture
def door_client(client):
    client.force_login(DoorStaffFactory(first_name="Aida", last_name="Door"))
    return client


def url(name, event, language="en"):
    """The address of the door page ("") or of one of its answers, in a language."""
    with translation.override(language):
        return reverse(f"participants:door_{name}" if name else "participants:door", kwargs={"slug": event.slug})


def registered(event, **fields):
    return ParticipantFactory(event=event, status=Status.REGISTERED, **fields)


def check_ins(person):
    return StatusChange.objects.filter(participant=person, to_status=Status.ATTENDED).count()


# Finding her


@pytest.mark.parametrize(
    "typed",
    ["Айгүл", "айгуль", "aigul", "AYGÜL", "айгүл ток", "tokto aig", "toktosunova"],
)
def test_a_few_letters_in_any_alphabet_find_her(door_client, event, typed):
    aigul = registered(event, full_name="Айгүл Токтосунова")
    registered(event, full_name="Жылдыз Абдыкадырова")

    found = door_client.get(url("search", event), {"q": typed}).json()["people"]

    assert [person["name"] for person in found] == [aigul.full_name]


@pytest.mark.parametrize("name, typed", [("Жылдыз", "jyldyz"), ("Zhyldyz", "жылдыз"), ("Өмүрбек", "omur"), ("Чолпон", "chol")])
def test_kyrgyz_letters_and_their_latin_spellings_fold_alike(name, typed):
    assert fold(typed) in fold(name)


def test_the_last_digits_of_her_phone_find_her_and_the_phone_is_never_sent(door_client, event):
    aigul = registered(event, full_name="Айгүл Токтосунова", phone="+996555123456", email="aigul@example.org")
    registered(event, full_name="Other", phone="+996555999999")

    found = door_client.get(url("search", event), {"q": "3456"}).json()["people"]

    assert [person["id"] for person in found] == [aigul.pk]
    assert "+996555123456" not in str(found) and "aigul@example.org" not in str(found)
    assert found[0]["phone_end"] == "3456"


def test_the_door_sees_only_people_who_hold_a_seat_or_walked_in(door_client, event):
    registered(event, full_name="Asel Seat")
    for status in (Status.INVITED, Status.WAITLISTED, Status.DECLINED, Status.CANCELLED):
        ParticipantFactory(event=event, status=status, full_name=f"Asel {status}")
    ParticipantFactory(event=EventFactory(), status=Status.REGISTERED, full_name="Asel Elsewhere")

    listed = door_client.get(url("people", event)).json()["people"]
    found = door_client.get(url("search", event), {"q": "asel"}).json()["people"]

    assert [person["name"] for person in listed] == [person["name"] for person in found] == ["Asel Seat"]


def test_the_door_list_says_track_room_needs_and_no_photos_no_quotes(door_client, event):
    track = TrackFactory(event=event, title="Border areas")
    SessionFactory(event=event, track=track, room="Room C")
    person = registered(
        event, track=track, interpretation_language="ky", accessibility_needs="Wheelchair", at_risk=True
    )

    [entry] = door_client.get(url("people", event)).json()["people"]

    assert (entry["track_title"], entry["room"], entry["no_photos"], entry["no_quotes"]) == (
        "Border areas", "Room C", True, True
    )
    assert entry["needs"] == ["Kyrgyz", "Wheelchair"]
    assert entry["name"] == person.full_name  # the door must find her, at risk or not


def test_the_door_list_names_rooms_in_the_door_staffs_language_each_room_once(door_client, event):
    track = TrackFactory(event=event, title_en="Border areas")
    SessionFactory(event=event, track=track, room_en="Room C", room_ru="Зал C", room_ky="C залы")
    # The same room, typed again without its Kyrgyz name for the afternoon.
    SessionFactory(event=event, track=track, room_en="room c", starts_at=event.starts_at + datetime.timedelta(hours=3))
    SessionFactory(event=event, track=None, room_en="Main hall", room_ru="Большой зал")
    registered(event, full_name="Asel Track", track=track)
    registered(event, full_name="Aida Plenary", track=None)

    people = door_client.get(url("people", event, "ky")).json()["people"]

    assert sorted((person["name"], person["room"]) for person in people) == [
        ("Aida Plenary", "Большой зал"), ("Asel Track", "C залы")
    ]


def test_the_list_sends_only_what_changed_and_who_left_it(door_client, event):
    staying, leaving = registered(event), registered(event)
    first = door_client.get(url("people", event)).json()
    services.cancel(leaving)

    changes = door_client.get(url("people", event), {"since": first["next"]}).json()

    assert {"id": leaving.pk, "gone": True} in changes["people"]
    assert staying.pk in [person["id"] for person in first["people"]]
    assert not changes["whole"]


# Checking her in


def test_a_check_in_sent_twice_counts_once_and_says_when_and_by_whom(door_client, event):
    person = registered(event, full_name="Гүлнара Эсенбаева")

    first = door_client.post(url("check_in", event), {"person": person.pk}).json()
    second = door_client.post(url("check_in", event), {"person": person.pk}).json()

    assert first["outcome"] == "checked_in" and first["person"]["checked_in"]
    assert second["outcome"] == "already"
    assert "already checked in at" in second["message"] and "Aida Door" in second["message"]
    assert check_ins(person) == 1


def test_a_phone_that_was_offline_sends_when_it_checked_her_in(door_client, event):
    person = registered(event)
    at = (timezone.now() - datetime.timedelta(minutes=20)).replace(microsecond=0)

    door_client.post(url("check_in", event), {"person": person.pk, "at": at.isoformat()})

    assert StatusChange.objects.get(participant=person, to_status=Status.ATTENDED).changed_at == at


@pytest.mark.parametrize("at", ["2999-01-01T09:00:00+06:00", "2001-01-01T09:00:00+06:00", "tomorrow", "2026-13-45T99:00"])
def test_a_phone_clock_far_off_is_not_believed(door_client, event, at):
    person = registered(event)

    response = door_client.post(url("check_in", event), {"person": person.pk, "at": at})

    assert response.status_code == 200
    change = StatusChange.objects.get(participant=person, to_status=Status.ATTENDED)
    assert abs(change.changed_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_her_code_checks_her_in_typed_with_a_hyphen_and_in_small_letters(door_client, event):
    person = registered(event)
    code = services.checkin_code(person)

    response = door_client.post(url("check_in", event), {"code": f" {code[:5].lower()}-{code[5:]} "})

    assert response.json()["outcome"] == "checked_in"
    person.refresh_from_db()
    assert person.status == Status.ATTENDED


def test_wrong_codes_say_what_is_wrong_and_check_nobody_in(door_client, event):
    replaced = registered(event, full_name="Replaced Code")
    old_code = services.checkin_code(replaced)
    services.replace_personal_links([replaced])
    cancelled = registered(event, full_name="Changed Her Mind")
    cancelled_code = services.checkin_code(cancelled)
    services.cancel(cancelled)
    elsewhere = registered(EventFactory(title_en="Dialogue in Batken"))

    answers = {
        "unknown": door_client.post(url("check_in", event), {"code": "ACDEFGHJKM"}),
        "nonsense": door_client.post(url("check_in", event), {"code": "<script>"}),
        "replaced": door_client.post(url("check_in", event), {"code": old_code}),
        "cancelled": door_client.post(url("check_in", event), {"code": cancelled_code}),
        "elsewhere": door_client.post(url("check_in", event), {"code": services.checkin_code(elsewhere)}),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == {
        "unknown": 404, "nonsense": 404, "replaced": 409, "cancelled": 409, "elsewhere": 409
    }
    assert "not a check-in code" in answers["unknown"].json()["message"]
    assert "Replaced Code" in answers["replaced"].json()["message"] and "replaced" in answers["replaced"].json()["message"]
    assert "holds no seat" in answers["cancelled"].json()["message"]
    assert "Dialogue in Batken" in answers["elsewhere"].json()["message"]
    assert not StatusChange.objects.filter(to_status=Status.ATTENDED).exists()


def test_a_person_of_another_event_or_no_person_cannot_be_checked_in(door_client, event):
    other = registered(EventFactory())

    assert door_client.post(url("check_in", event), {"person": other.pk}).status_code == 404
    assert door_client.post(url("check_in", event), {"person": "x"}).status_code == 404
    assert check_ins(other) == 0


def test_the_door_answers_in_the_page_language(door_client, event):
    response = door_client.post(url("check_in", event, "ru"), {"code": "ACDEFGHJKM"})

    assert "код" in response.json()["message"].lower()


# Taking it back


def test_a_check_in_is_taken_back_within_a_minute_and_not_after(door_client, event):
    soon, late = registered(event), registered(event)
    services.check_in(soon)
    services.check_in(late, at=timezone.now() - datetime.timedelta(minutes=2))

    taken_back = door_client.post(url("undo", event), {"person": soon.pk})
    too_late = door_client.post(url("undo", event), {"person": late.pk})

    assert taken_back.status_code == 200 and not taken_back.json()["person"]["checked_in"]
    assert too_late.status_code == 409 and "ask an organiser" in too_late.json()["message"]
    soon.refresh_from_db(), late.refresh_from_db()
    assert (soon.status, late.status) == (Status.REGISTERED, Status.ATTENDED)


# Walk-ins


def walk_in_data(event, **changes):
    return {
        "full_name": "Салтанат Жумабаева",
        "gender": "woman",
        "category": event.categories.first().pk,
        "district": DistrictFactory().pk,
        "phone": "0700 140 240",
        "key": str(uuid.uuid4()),
        **changes,
    }


def test_a_walk_in_is_added_checked_in_and_counted_apart_once(door_client, event):
    data = walk_in_data(event)

    first = door_client.post(url("walk_in", event), data)
    again = door_client.post(url("walk_in", event), data)

    assert (first.status_code, again.status_code) == (201, 200)
    person = event.participants.get()
    assert (person.status, person.source, person.phone) == (Status.ATTENDED, Source.WALK_IN, "+996700140240")
    assert first.json()["person"]["walk_in"] and first.json()["person"]["checked_in"]
    assert person.visibility == Visibility.ORGANISERS_ONLY


def test_a_walk_in_with_the_phone_of_someone_on_the_list_names_her(door_client, event):
    registered(event, full_name="Нургуль Орозова", phone="+996700140240")

    response = door_client.post(url("walk_in", event), walk_in_data(event))

    assert response.status_code == 400
    assert "Нургуль Орозова is already on the list" in response.json()["errors"]["phone"][0]
    assert event.participants.count() == 1


def test_a_walk_in_form_with_mistakes_says_which_and_adds_nobody(door_client, event):
    response = door_client.post(
        url("walk_in", event), walk_in_data(event, full_name="<b>", gender="", phone="12", key="not-a-key")
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"full_name", "gender", "phone", "key"}
    assert not event.participants.exists()


def test_a_walk_in_taken_back_leaves_the_list(door_client, event):
    added = door_client.post(url("walk_in", event), walk_in_data(event)).json()["person"]

    door_client.post(url("undo", event), {"person": added["id"]})

    assert door_client.get(url("people", event)).json()["people"] == []


# The page


def test_the_door_page_works_in_kyrgyz_and_holds_no_contact_details(door_client, event):
    registered(event, full_name="Айгүл Токтосунова", phone="+996555123456", email="aigul@example.org")

    page = door_client.get(url("", event, "ky"))

    assert page.status_code == 200 and page["Cache-Control"].startswith("private")
    text = page.content.decode()
    assert "aigul@example.org" not in text and "123456" not in text
    assert 'lang="ky"' in text


def test_the_service_worker_is_served_from_the_door_page_path(client, event):
    response = client.get(url("service_worker", event))

    assert response["Content-Type"].startswith("text/javascript")
    assert b"caches.open" in response.content


def test_the_list_reaches_a_phone_compressed_with_names_in_their_letters(door_client, event):
    for number in range(5):
        registered(event, full_name=f"Гүлнара Эсенбаева {number}")

    response = door_client.get(url("people", event), HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Гүлнара".encode() in gzip.decompress(response.content)
