"""The admin lists organisers scan, on the 1,366 px laptop they work on: every column in view, no sideways scrolling."""

import pytest

from agenda.tests.factories import EventFactory, TrackFactory
from messaging.models import Message, MessageKind
from participants.models import Status
from participants.tests.factories import CategoryFactory, DistrictFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}


def a_long_list():
    """30 people as the real lists have them: long names, long organisations, long titles, in both alphabets."""
    event = EventFactory(
        title="Women, peace and security in the border communities of the Batken and Osh regions: a national dialogue",
        title_ru=(
            "Женщины, мир и безопасность в приграничных сообществах Баткенской и Ошской областей: национальный диалог"
        ),
    )
    category = CategoryFactory(
        event=event,
        name="Representatives of local self-government bodies and village councils",
        name_ru="Представители органов местного самоуправления и айылных кенешей",
    )
    track = TrackFactory(
        event=event,
        title="Cross-border water use, pastures and the prevention of conflicts between neighbouring communities",
        title_ru="Трансграничное водопользование, пастбища и предотвращение конфликтов между соседними сообществами",
    )
    district = DistrictFactory(
        name="Leilek district", name_ru="Лейлекский район",
        region__name="Batken region", region__name_ru="Баткенская область",
    )  # fmt: skip
    people = [
        ParticipantFactory(
            event=event,
            category=category,
            track=track,
            district=district,
            # Each status in turn: "Зарегистрирован(а)" is as long as a word of the list gets.
            status=list(Status)[number % len(Status)],
            full_name=f"Токтосунова-Абдыкадырова Айгүлкан Жумабековна {number}",
            organisation="Общественное объединение «Ассоциация женщин-лидеров приграничных айылных аймаков»",
            email=f"aigulkan.toktosunova-abdykadyrova.{number}@women-leaders-association.kg",
        )
        for number in range(30)
    ]
    for person in people:
        Message.objects.create(
            event=event, participant=person, kind=MessageKind.ALREADY_REGISTERED, to_address=person.email,
            language="ru", subject=event.title_ru, body_text="…", idempotency_key=f"wide:{person.pk}",
        )  # fmt: skip
    return event


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_participants_and_messages_fit_a_laptop_screen(live_server, browser, log_in_browser, organiser, locale):
    event = a_long_list()
    page = log_in_browser(browser, organiser, viewport=LAPTOP, locale=locale).new_page()

    for list_path in ("participants/participant/", "messaging/message/"):
        page.goto(f"{live_server.url}/admin/{list_path}?event__id__exact={event.pk}")
        assert page.locator("#result_list tbody tr").count() == 30
        assert page.locator("html").get_attribute("lang") == locale[:2]
        # Neither the page nor the list itself (Django lets a wide table scroll inside its own box) scrolls sideways.
        page_width = page.evaluate("document.documentElement.scrollWidth")
        list_width, list_box = page.locator(".results").evaluate("box => [box.scrollWidth, box.clientWidth]")
        assert page_width <= LAPTOP["width"], f"{list_path} in {locale}: the page is {page_width} px wide"
        assert list_width <= list_box, f"{list_path} in {locale}: the list is {list_width} px wide in {list_box} px"
