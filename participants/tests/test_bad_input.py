"""Control characters and unreadable charsets: refused where people type, dropped where files leave the site."""


import io
import wsgiref.util

import openpyxl
import pytest
import tablib

from agenda.tests.factories import EventFactory
from dialogue_event import wsgi
from participants.models import Participant, Status
from participants.resources import CSV, XLSX

from .factories import ParticipantFactory
from .test_admin import (
    CHANGELIST_URL,
    CSV_FORMAT,
    XLSX_FORMAT,
    change_form_data,
    csv_upload,
    export,
    exported_csv,
    exported_xlsx,
    page_text,
    preview_import,
)
from .test_views import form_data, personal_url, register_url

pytestmark = pytest.mark.django_db

REFUSED = "This text contains an invisible control character"
# A vertical tab (a line break pasted from Word), a NUL, an escape, a C1 control.
CONTROL_CHARACTERS = ["\x0b", "\x00", "\x1b", "\x85"]


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_registration_with_a_control_character_is_refused_with_a_clear_message(client, open_event, character):
    response = client.post(register_url(open_event), form_data(open_event, organisation=f"Aiyl{character}kenesh"))

    assert response.status_code == 400
    assert REFUSED in page_text(response)
    assert not Participant.objects.exists()


def test_line_breaks_and_tabs_in_a_long_answer_are_fine(client, open_event):
    response = client.post(
        register_url(open_event), form_data(open_event, accessibility_needs="Wheelchair\r\nRamp\tat the door")
    )

    assert response.status_code == 302
    assert Participant.objects.get().accessibility_needs == "Wheelchair\r\nRamp\tat the door"


def test_decline_reason_with_a_vertical_tab_is_refused(client):
    participant = ParticipantFactory(status=Status.INVITED)
    client.get(personal_url(participant))

    response = client.post(
        f"/en/events/{participant.event.slug}/me/decline/", {"reason": "In Bishkek\x0bthat day"}, follow=True
    )

    assert "Your answer could not be saved" in page_text(response)
    participant.refresh_from_db()
    assert participant.status == Status.INVITED


def test_organiser_typing_a_control_character_in_the_admin_is_refused(organiser_client):
    participant = ParticipantFactory(organiser_notes="Comes with her daughter")
    change_url = f"{CHANGELIST_URL}{participant.pk}/change/"
    data = change_form_data(organiser_client.get(change_url))
    data["organiser_notes"] = "Comes with\x0bher daughter"

    response = organiser_client.post(change_url, data)

    assert REFUSED in page_text(response)
    participant.refresh_from_db()
    assert participant.organiser_notes == "Comes with her daughter"


def test_imported_row_with_a_control_character_is_reported_against_its_cell(organiser_client):
    event = EventFactory()
    rows = [
        ["Full name", "Phone", "Organisation"],
        ["Айгүл Токтосунова", "0555 123 456", "Аялдар\x0bкеңеши"],
        ["Гүлнара Асанова", "0700 234 567", "Youth centre"],
    ]

    response = preview_import(organiser_client, event, csv_upload(rows))

    (row,) = response.context["result"].invalid_rows
    assert row.number == 1
    assert REFUSED in row.field_specific_errors["Organisation"][0]
    assert not event.participants.exists()


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
def test_export_drops_control_characters_already_in_the_database(organiser_client, file_format):
    # Typed before they were refused. (PostgreSQL itself refuses NUL.)
    ParticipantFactory(full_name="Айгүл Токтосунова", organisation="Аялдар\x0bкеңеши\x7f", dietary_needs="\x1b=1+1")

    response = export(organiser_client, file_format)

    assert response.status_code == 200
    if file_format == CSV_FORMAT:
        (row,) = exported_csv(response)
        organisation, dietary_needs = row["Organisation"], row["Dietary needs"]
    else:
        (row,) = exported_xlsx(response)
        organisation, dietary_needs = row["Organisation"].value, row["Dietary needs"].value
    assert organisation == "Аялдаркеңеши"
    # Once the escape is gone the cell starts with "=": still never a formula.
    assert dietary_needs == "'=1+1"


MULTIPART_BODY = b'--X\r\nContent-Disposition: form-data; name="full_name"\r\n\r\n\xd0\x90\xd0\xb9\r\n--X--\r\n'


@pytest.mark.parametrize("charset", ["rot13", "hex", "idna", "no-such-charset"])
@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded", b"full_name=%D0%90%D0%B9"),
        ("multipart/form-data; boundary=X", MULTIPART_BODY),
    ],
)
@pytest.mark.parametrize("query", ["", "?utm_source=whatsapp"])
@pytest.mark.django_db(transaction=True)
def test_a_form_posted_in_an_unreadable_charset_gets_400(open_event, charset, content_type, body, query):
    # Through the WSGI application gunicorn serves: with a query string, Django
    # fails while building the request, before any of its middleware runs.
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": register_url(open_event, "ru"),
        "QUERY_STRING": query.lstrip("?"),
        "CONTENT_TYPE": f"{content_type}; charset={charset}",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    wsgiref.util.setup_testing_defaults(environ)
    answer = {}

    content = b"".join(wsgi.application(environ, lambda status, headers: answer.update(status=status)))

    assert answer["status"] == "400 Bad Request"
    assert content.decode() == "Форма отправлена в кодировке, которую этот сайт не знает."
    assert not Participant.objects.exists()



def test_the_outcome_documents_spreadsheets_drop_control_characters_too():
    # recommendations/outcome.py writes its CSV and Excel files with these same formats.
    dataset = tablib.Dataset(["Water\x0band land"], headers=["Recommendation"])

    sheet = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(dataset))).active

    assert sheet["A2"].value == "Waterand land"
    assert "\x0b" not in CSV().export_data(tablib.Dataset(["Water\x0band land"], headers=["Recommendation"]))
