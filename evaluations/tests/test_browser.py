import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from agenda.models import Event
from dialogue_event.demo import OSH_DIALOGUE_SLUG, load_demo
from evaluations import services
from evaluations.models import Respondent, Response
from participants.models import Status

from .test_services import answers_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360


def test_attended_person_answers_in_kyrgyz_on_a_phone_and_the_organiser_reads_the_results(
    live_server, browser, phone, log_in_browser, places, settings, tmp_path
):
    settings.PERSONAL_LINK_DAYS_AFTER_EVENT = 365 * 20  # the demo's dialogue was in June 2021
    load_demo()
    event = Event.objects.get(slug=OSH_DIALOGUE_SLUG)
    evaluation = services.add_evaluation_form(event, closes_at=timezone.now() + datetime.timedelta(days=7))
    came = list(event.participants.filter(status=Status.ATTENDED).order_by("pk"))
    aigul, others = came[0], came[1:6]
    page = f"{live_server.url}/ky/events/{OSH_DIALOGUE_SLUG}/me/evaluation/"

    phone.goto(f"{live_server.url}/ky/p/{aigul.access_token}/")
    phone.goto(page)
    assert phone.locator("html").get_attribute("lang") == "ky"
    phone.get_by_text("Диалог сиз үчүн канчалык пайдалуу болду?").wait_for()
    phone.get_by_label("5", exact=True).check()
    phone.get_by_label("Мен көп жаңы нерселерди билдим").check()
    phone.get_by_label("Менин секциямдагы талкуу").check()
    phone.get_by_label("Сунуштарды чогуу иштеп чыгуу").check()
    phone.get_by_label("Диалогдон кийин эмнени башкача кыласыз?").fill("Айылдык кеңеште сүйлөйм.")
    phone.get_by_label("Ооба", exact=True).check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    phone.screenshot(path=tmp_path / "evaluation-ky-phone.png", full_page=True)
    with translation.override("ky"):
        send, already = gettext("Send my answers"), gettext("You have already answered the evaluation. Thank you!")
    phone.get_by_role("button", name=send).click()
    phone.locator('[data-evaluation-state="answered"]').wait_for()

    # A second try finds the form answered.
    phone.goto(page)
    phone.get_by_text(already).wait_for()
    assert phone.get_by_role("button", name=send).count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert Respondent.objects.get().participant == aigul
    assert Response.objects.get().language == "ky"

    for person in others:
        services.submit_answers(evaluation, person, answers_of(evaluation, rating=4), language="ru")
    desk = log_in_browser(browser, get_user_model().objects.get(username="organiser"), locale="en-US").new_page()
    desk.goto(f"{live_server.url}/admin/evaluations/evaluationform/")
    desk.get_by_role("link", name="Results").click()
    desk.get_by_text("6 people have answered.").wait_for()
    desk.get_by_role("heading", name="By sex").wait_for()
    desk.get_by_role("heading", name="By age").wait_for()
    desk.get_by_role("heading", name="By category").wait_for()
    desk.get_by_text("Айылдык кеңеште сүйлөйм.").wait_for()
    page_text = desk.locator("body").inner_text()
    assert not any(person.full_name in page_text for person in came)
    desk.screenshot(path=tmp_path / "evaluation-results.png", full_page=True)
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download as XLSX").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert {"By sex", "By age", "By category", "Айылдык кеңеште сүйлөйм."} <= cells
    assert not any(person.full_name in cells for person in came)
    desk.context.close()
