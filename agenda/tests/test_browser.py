import pytest

from dialogue_event.demo import OSH_DIALOGUE, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_osh_dialogue_reads_on_a_phone_and_keeps_the_chosen_language(live_server, phone, tmp_path, places):
    load_demo()

    phone.goto(live_server.url + "/")
    assert phone.url == live_server.url + "/en/"
    phone.get_by_role("link", name=OSH_DIALOGUE["title_en"]).click()
    assert phone.locator("h1").inner_text() == OSH_DIALOGUE["title_en"]
    assert page_width(phone) <= PHONE_WIDTH

    phone.get_by_role("button", name="Русский").click()
    phone.wait_for_url("**/ru/events/osh-dialogue-2021/")
    assert phone.locator("h1").inner_text() == OSH_DIALOGUE["title_ru"]
    assert page_width(phone) <= PHONE_WIDTH

    phone.get_by_role("button", name="Кыргызча").click()
    phone.wait_for_url("**/ky/events/osh-dialogue-2021/")
    assert phone.locator("h1").inner_text() == OSH_DIALOGUE["title_ky"]
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path=tmp_path / "osh-dialogue-ky-phone.png", full_page=True)

    # The language is remembered: the home page opens in Kyrgyz.
    phone.goto(live_server.url + "/")
    assert phone.url == live_server.url + "/ky/"
    assert phone.get_by_role("link", name=OSH_DIALOGUE["title_ky"]).is_visible()
