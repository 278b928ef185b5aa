import re

import pytest

from dialogue_event.demo import OSH_SESSIONS, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


PHONE_WIDTH = 360


def test_osh_agenda_is_one_list_on_a_phone_and_one_a4_page_in_print(live_server, phone, tmp_path, places):
    load_demo()

    phone.goto(live_server.url + "/en/events/osh-dialogue-2021/")
    phone.get_by_role("link", name="See the agenda").click()
    phone.wait_for_url("**/en/events/osh-dialogue-2021/agenda/")

    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    # One column: the parallel sessions are stacked, each naming its track.
    parallel = phone.locator(".timetable-parallel").first.locator(".timetable-session")
    lefts = {box["x"] for box in (parallel.nth(i).bounding_box() for i in range(parallel.count()))}
    assert len(lefts) == 1
    assert phone.locator(".timetable-track-label").first.is_visible()
    phone.screenshot(path=tmp_path / "osh-agenda-phone.png", full_page=True)

    # On paper the tracks stand side by side and the whole day fits one A4 page.
    phone.emulate_media(media="print")
    pdf = phone.pdf(format="A4")
    # The PDF's page tree counts its pages.
    assert re.findall(rb"/Count (\d+)", pdf) == [b"1"]
    columns = phone.locator(".timetable-parallel").first.locator(".timetable-session")
    assert len({round(columns.nth(i).bounding_box()["y"]) for i in range(columns.count())}) == 1
    phone.emulate_media(media="screen")

    phone.get_by_role("link", name=OSH_SESSIONS[1]["title_en"]).click()
    assert phone.locator("h1").inner_text() == OSH_SESSIONS[1]["title_en"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
