"""The admin pages organisers work in, as an organiser sees them on a 1,366 px laptop (issue 15).

WCAG 2.2 AA as axe-core measures it: no serious or critical finding on any admin page we template or configure;
the event's long page in sections she moves between; the import preview within the screen.
"""

import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import expect

from agenda.tests.factories import EventFactory, SessionFactory, TrackFactory
from conftest import axe_findings
from messaging.models import Message, MessageKind
from participants.models import BulkSend, BulkSendKind, District, Status
from participants.tests.factories import CategoryFactory, ParticipantFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LAPTOP = {"width": 1366, "height": 768}
EXAMPLE_INVITEE_LIST = Path(settings.BASE_DIR) / "docs" / "invitees-example.xlsx"


@pytest.fixture(autouse=True)
def places():
    """The regions and districts the database comes with (its migration's), which the example list names.

    A test that commits (as these must, for the browser) leaves an empty database behind it.
    """
    if not District.objects.exists():
        importlib.import_module("participants.migrations.0002_regions_and_districts").seed_places(apps, None)


@pytest.fixture
def osh_dialogue(organiser):
    """An event as the Osh demo has it: texts in three languages, three tracks, a day of sessions, two reminders,
    invitees at each stage with their messages, and a send to many people half done."""
    event = EventFactory(
        slug="osh-dialogue",
        title="Women's leadership in conflict response",
        title_ru="Женское лидерство в реагировании на конфликты",
        title_ky="Чыр-чатакка жооп берүүдөгү аялдардын лидерлиги",
        theme_ru="Женщины, мир и безопасность",
        purpose_ru="Выслушать женщин-лидеров приграничных районов.",
    )
    tracks = [
        TrackFactory(event=event, order=number, title=title, title_ru=title_ru)
        for number, (title, title_ru) in enumerate(
            [
                ("Emergency response", "Реагирование на чрезвычайные ситуации"),
                ("Humanitarian aid", "Гуманитарная помощь"),
                ("Conflict resolution", "Разрешение конфликтов"),
            ]
        )
    ]
    opening = SessionFactory(event=event, title="Opening", title_ru="Открытие")
    for hour, track in enumerate(tracks * 3, start=1):
        SessionFactory(
            event=event, track=track, title=f"{track.title}: part {hour}",
            starts_at=opening.starts_at + datetime.timedelta(hours=hour),
        )  # fmt: skip
    assert event.reminders.count() == 2  # every new event's: a week and a day before
    category = CategoryFactory(event=event, name="Women activists", name_ru="Женщины-активистки")
    district = District.objects.get(name_en="Batken district")
    people = [
        ParticipantFactory(event=event, category=category, district=district, track=tracks[number % 3], status=status)
        for number, status in enumerate([*Status] * 2)
    ]
    for person in people:
        Message.objects.create(
            event=event, participant=person, kind=MessageKind.INVITATION, to_address=person.email,
            language="ru", subject=event.title_ru, body_text="…", idempotency_key=f"osh:{person.pk}",
        )  # fmt: skip
    send = BulkSend.objects.create(
        event=event, what=BulkSendKind.INVITATIONS, asked_by=organiser, participant_ids=[p.pk for p in people]
    )
    return {"event": event, "person": people[0], "send": send}


@pytest.fixture
def organiser_page(browser, log_in_browser, organiser):
    context = log_in_browser(browser, organiser, viewport=LAPTOP, locale="en-US")
    yield context.new_page()
    context.close()


def open_every_fold(page):
    # axe-core skips what a closed <details> hides: the sessions' fields are checked opened.
    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")


def preview_import(page, live_server, event, upload=EXAMPLE_INVITEE_LIST, file_format="xlsx"):
    page.goto(f"{live_server.url}/admin/participants/participant/import/")
    page.select_option("[name=event]", str(event.pk))
    page.set_input_files("[name=import_file]", str(upload))
    page.select_option("[name=format]", label=file_format)
    page.locator("#content form [type=submit]").click()
    expect(page.locator("table.import-preview tbody tr").first).to_be_visible()


def fits_the_screen(page):
    table = page.locator("table.import-preview").bounding_box()
    return page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"] and (
        table["x"] + table["width"] <= LAPTOP["width"]
    )


def test_no_serious_accessibility_finding_on_the_organisers_admin_pages(live_server, organiser_page, osh_dialogue):
    page, event = organiser_page, osh_dialogue["event"]
    pages = {
        "dashboard": ("/admin/", None),
        "event": (f"/admin/agenda/event/{event.pk}/change/", None),
        "event, every part opened": (f"/admin/agenda/event/{event.pk}/change/", open_every_fold),
        "new event": ("/admin/agenda/event/add/", None),
        "participants, filtered": (
            f"/admin/participants/participant/?event__id__exact={event.pk}&status__exact=invited", None
        ),
        "participant": (f"/admin/participants/participant/{osh_dialogue['person'].pk}/change/", None),
        "messages": (f"/admin/messaging/message/?event__id__exact={event.pk}", None),
        "import": ("/admin/participants/participant/import/", None),
        "send under way": (f"/admin/participants/bulksend/{osh_dialogue['send'].pk}/change/", None),
    }  # fmt: skip
    found = {}
    for name, (path, then) in pages.items():
        response = page.goto(live_server.url + path)
        assert response.ok, f"{path} answered {response.status}"
        if then:
            then(page)
        found[name] = axe_findings(page)
    preview_import(page, live_server, event)
    found["import preview"] = axe_findings(page)

    # Nothing allowed: what Django's own markup had (the breadcrumbs' links told by colour alone, the filters' small
    # targets) is mended in static/css/admin-base.css, without copying its templates.
    assert not any(found.values()), "\n".join(
        f"{name}:\n  " + "\n  ".join(findings) for name, findings in found.items() if findings
    )


def test_the_event_page_in_sections_an_organiser_moves_between(live_server, organiser_page, osh_dialogue):
    page, event = organiser_page, osh_dialogue["event"]
    page.goto(f"{live_server.url}/admin/agenda/event/{event.pk}/change/")

    # What is written once is folded; the date, the place and the registration are open.
    folded = page.locator("fieldset details:not([open]) > summary h2")
    expect(folded).to_have_text(["About the dialogue", "Organisers and funding"])
    expect(page.locator("[name=starts_at_0]")).to_be_visible()
    expect(page.locator("[name=capacity]")).to_be_visible()
    # Each saved session folded, named by its time and title.
    sessions = page.locator("#sessions-group details.inline-fold")
    expect(sessions).to_have_count(10)
    expect(sessions.first.locator("summary")).to_contain_text("Opening")
    expect(page.locator("[name=sessions-0-title_en]")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollHeight") < 4000

    # The list of the page's parts reaches each one, the inlines too, and stays in view below the page's top.
    contents = page.locator("nav.event-contents")
    links = contents.locator("a")
    expect(links).to_contain_text(["Date and place", "Tracks", "Sessions", "Reminders"])
    for target in links.evaluate_all("links => links.map(link => link.hash)"):
        assert page.locator(target).count() == 1, f"{target} is not on the page"
    contents.get_by_role("link", name="Reminders").click()
    expect(page.locator("#reminders-heading")).to_be_in_viewport()
    heading_top = page.locator("#reminders-heading").bounding_box()["y"]
    contents_box = contents.bounding_box()
    assert contents_box["y"] == 0 and heading_top >= contents_box["height"], "the heading is under the list of parts"

    # A session opens; its language tabs still switch (their links lost their addresses) and tell which is chosen.
    sessions.first.locator("summary").click()
    title_tabs = page.locator("#sessions-0 .ui-tabs-nav").first
    expect(page.locator("[name=sessions-0-title_en]")).to_be_visible()
    title_tabs.get_by_role("tab", name="ru").click()
    expect(page.locator("[name=sessions-0-title_ru]")).to_have_value("Открытие")
    expect(title_tabs.get_by_role("tab", name="ru")).to_have_attribute("aria-selected", "true")
    assert page.locator(".ui-tabs-anchor[href]").count() == 0
    expect(page.locator("#modeltranslation-main-switch")).to_have_accessible_name("Language of the texts shown")
    # The keyboard's focus is drawn.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", f"{page.evaluate('document.activeElement.outerHTML')} has no visible focus"

    # A session added has its fields open at once, in the language last chosen.
    page.locator("#sessions-group .add-row a").click()
    expect(page.locator("[name=sessions-10-title_ru]")).to_be_visible()
    assert page.locator(".ui-tabs-anchor[href]").count() == 0


def test_a_new_event_has_nothing_folded(live_server, organiser_page):
    organiser_page.goto(f"{live_server.url}/admin/agenda/event/add/")

    expect(organiser_page.locator("[name=purpose_en]")).to_be_visible()
    expect(organiser_page.locator("[name=host_organisation_en]")).to_be_visible()


def test_the_import_preview_and_its_rows_to_correct_fit_a_laptop_screen(
    live_server, organiser_page, osh_dialogue, tmp_path
):
    page = organiser_page
    preview_import(page, live_server, osh_dialogue["event"])
    expect(page.locator("table.import-preview tbody tr")).to_have_count(30)
    assert fits_the_screen(page), "the preview is wider than the screen"

    # A file of every column, with a row to correct.
    with_problems = tmp_path / "invitees.csv"
    with_problems.write_text(
        "Full name,Badge name,Email,Phone,Gender,Age band,Category,Organisation,Position,District,Village,Notes\n"
        "Токтосунова-Абдыкадырова Айгүлкан Жумабековна,Айгүлкан,aigulkan.toktosunova@women-leaders-association.kg,"
        "0555 12,Woman,30-44,Women activist,Общественное объединение «Ассоциация женщин-лидеров приграничья»,"
        "Координатор,Лейлекский район,Кара-Бак,Звонить после обеда\n",
        encoding="utf-8",
    )
    preview_import(page, live_server, osh_dialogue["event"], with_problems, "csv")
    expect(page.locator(".row-problems")).to_contain_text("Phone")
    assert fits_the_screen(page), "the rows to correct are wider than the screen"


def test_a_send_under_way_shows_its_progress_without_reloading_the_page(live_server, organiser_page, osh_dialogue):
    page, send = organiser_page, osh_dialogue["send"]
    page.goto(f"{live_server.url}/admin/participants/bulksend/{send.pk}/change/")
    expect(page.locator(".field-progress")).to_contain_text("0 of 12")
    page.evaluate("window.stillThisPage = true")

    BulkSend.objects.filter(pk=send.pk).update(done=12, finished_at=send.asked_at + datetime.timedelta(minutes=1))

    expect(page.locator(".field-progress")).to_contain_text("12 of 12", timeout=10_000)
    assert page.evaluate("window.stillThisPage") is True
    assert page.locator("#send-figures[data-follow]").count() == 0
