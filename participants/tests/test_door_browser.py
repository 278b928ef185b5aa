"""The door page in a real browser on a 360 px phone: the camera, and a connection that goes and comes back."""

import time

import pytest

from agenda.tests.factories import DoorStaffFactory, EventFactory, TrackFactory
from participants import services
from participants.models import Source, Status, StatusChange
from participants.tests.factories import ParticipantFactory
from participants.tests.fake_camera import qr_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def event():
    event = EventFactory(slug="osh", title_en="Dialogue in Osh")
    TrackFactory(event=event, title_en="Border areas")
    return event


def arrive(event, *names):
    return [ParticipantFactory(event=event, status=Status.REGISTERED, full_name=name) for name in names]


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server never saw it"
        time.sleep(0.1)


def open_door(context, live_server, language="en"):
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/events/osh/door/")
    page.wait_for_selector("#door-connection.text-bg-success")  # the list is on the phone
    return page


def test_the_camera_reads_her_code_and_checks_her_in(live_server, camera_browser, camera_video, log_in_browser, event):
    aigul, other = arrive(event, "Айгүл Токтосунова", "Жылдыз Абдыкадырова")
    qr_video(services.checkin_code(aigul), camera_video)
    page = open_door(log_in_browser(camera_browser, DoorStaffFactory(), **PHONE), live_server)

    page.click("#door-scan")

    page.wait_for_selector("#door-notice.alert-success", timeout=15000)
    assert "Айгүл Токтосунова is checked in" in page.inner_text("#door-notice")
    wait_until(lambda: aigul.__class__.objects.get(pk=aigul.pk).status == Status.ATTENDED)
    assert other.__class__.objects.get(pk=other.pk).status == Status.REGISTERED
    assert page.inner_text("#door-arrived") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_offline_check_ins_survive_a_reload_and_reach_the_server_once(live_server, browser, log_in_browser, event):
    people = arrive(event, "Айгүл Токтосунова", "Гүлнара Эсенбаева", "Чолпон Ормонова", "Назгүл Сапарова")
    context = log_in_browser(browser, DoorStaffFactory(), **PHONE)
    page = open_door(context, live_server, "ky")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    context.set_offline(True)
    # Typed in Latin letters, on a phone without a Kyrgyz keyboard, for names in Cyrillic.
    for typed in ("aigul", "gulnara", "cholpon"):
        page.fill("#door-search", typed)
        page.click(".door-check-in")
        page.wait_for_selector("#door-notice.alert-success")
    page.wait_for_selector("#door-connection.text-bg-warning")  # the page knows it is offline
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # and says so in Kyrgyz within the screen
    page.click("#door-walk-in summary")
    page.fill("#id_full_name", "Салтанат Жумабаева")
    page.select_option("#id_gender", "woman")
    page.select_option("#id_category", str(event.categories.first().pk))
    page.fill("#id_phone", "0700 140 240")
    page.click("#door-walk-in-form button[type=submit]")
    page.wait_for_selector("#door-notice.alert-success >> text=Салтанат Жумабаева")
    page.reload()  # offline: the service worker gives the page, IndexedDB the list and what is not sent
    page.wait_for_selector("#door-waiting")
    wait_until(lambda: page.inner_text("#door-arrived") == "3" and page.inner_text("#door-walk-ins") == "1")
    assert not StatusChange.objects.filter(to_status=Status.ATTENDED).exists()

    context.set_offline(False)

    wait_until(lambda: StatusChange.objects.filter(to_status=Status.ATTENDED).count() == 4)
    time.sleep(1)  # whatever else the phone would send has had time to arrive
    checked_in = StatusChange.objects.filter(to_status=Status.ATTENDED).values_list("participant__full_name", flat=True)
    assert sorted(checked_in) == sorted([*(person.full_name for person in people[:3]), "Салтанат Жумабаева"])
    assert event.participants.filter(status=Status.ATTENDED, source=Source.WALK_IN).count() == 1
    assert page.inner_text("#door-waiting").startswith("Саат")  # nothing left to send: only the list's time
