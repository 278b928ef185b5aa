import datetime

import pytest
from django.utils import timezone

from agenda.tests.factories import EventFactory
from participants.models import Participant, Status

from .factories import DistrictFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invitee_accepts_on_a_phone_in_russian(live_server, phone, tmp_path):
    now = timezone.now()
    event = EventFactory(
        title_ru="Диалог в Баткене",
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=7),
    )
    DistrictFactory(name_ru="Лейлекский район", region__name_ru="Баткенская область")
    invitee = ParticipantFactory(
        event=event, full_name="Айгүл Токтосунова", email="", phone="+996555101201", preferred_language="ru"
    )

    phone.goto(live_server.url + invitee.get_personal_url())

    # The personal link is swapped for the session: the address no longer carries it.
    assert phone.url == f"{live_server.url}/ru/events/{event.slug}/me/"
    assert invitee.access_token not in phone.url
    assert phone.get_by_role("heading", level=1).inner_text() == "Здравствуйте, Айгүл Токтосунова"
    assert phone.get_by_label("Полное имя*").input_value() == "Айгүл Токтосунова"

    phone.get_by_label("Категория*").select_option(label="Женщина-активистка")
    phone.get_by_label("Район или город").select_option(label="Лейлекский район")
    phone.get_by_label("Село").fill("Кара-Бак")
    phone.get_by_label("Особенности питания").fill("Без глютена")
    phone.locator("#id_consent_data_processing").check()
    phone.screenshot(path=tmp_path / "invitation-ru-phone.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Принять приглашение").click()

    phone.wait_for_url(f"**/ru/events/{event.slug}/me/")
    assert "Спасибо: вы зарегистрированы." in phone.get_by_role("alert").first.inner_text()
    invitee = Participant.objects.get(pk=invitee.pk)
    assert invitee.status == Status.REGISTERED
    assert (invitee.village, invitee.dietary_needs) == ("Кара-Бак", "Без глютена")


def test_a_form_sent_with_mistakes_opens_on_its_summary_in_kyrgyz(live_server, phone):
    now = timezone.now()
    event = EventFactory(
        open_registration=True,
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=7),
    )
    phone.goto(f"{live_server.url}/ky/events/{event.slug}/register/")
    phone.locator("#id_full_name").fill("Айгүл Токтосунова")
    phone.locator("#id_category").select_option(index=1)
    phone.locator("#id_phone").fill("12345")  # the browser lets it through; the server does not
    phone.locator("#id_consent_data_processing").check()
    phone.locator("form [type=submit]").last.click()

    phone.wait_for_url(f"**/ky/events/{event.slug}/register/")
    phone.wait_for_selector("[role=alert][autofocus]")
    focused = phone.evaluate("document.activeElement.innerText")
    assert focused.startswith("Төмөндө белгиленгенди оңдоңуз:")
    summary = phone.locator("[role=alert][autofocus]")
    assert summary.get_by_role("link").filter(has_text="Телефон").get_attribute("href") == "#id_phone"
    assert summary.bounding_box()["y"] < 740  # on the first screen of the phone, not below 25 fields
    assert not Participant.objects.exists()
