"""Invitee lists as organisers send them: Excel's CSV in cp1251, Russian and Kyrgyz headers, long lists."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agenda.tests.factories import EventFactory
from participants.models import AgeBand, Gender, Status, StatusChange

from .test_admin import (
    XLSX_FORMAT,
    confirm_import,
    page_text,
    preview_import,
    shown_messages,
)

pytestmark = pytest.mark.django_db


def text_upload(rows, encoding, delimiter=",", name="invitees.csv"):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(rows, name="invitees.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def import_errors(response):
    return " ".join(response.context["form"].errors.get("import_file", []))


def test_excel_csv_in_cp1251_with_semicolons_and_russian_headers_is_imported(organiser_client):
    event = EventFactory()
    # The districts of Batken oblast come with the database, named in each language.
    rows = [
        ["№", "Ф.И.О.", "Тел.", "Эл. почта", "Пол", "Возраст", "Организация", "Должность", "Район"],
        ["1", "Токтосунова Айгуль", "0555 123 456", "", "ж", "34", "Совет женщин", "Председатель", "Лейлекский район"],
        ["2", "Асанов Бакыт", "0700 234 567", "bakyt@example.org", "м", "", "", "", ""],
    ]

    preview = preview_import(organiser_client, event, text_upload(rows, "cp1251", delimiter=";"))
    response = confirm_import(organiser_client, preview)

    assert "2 people were added as invited." in " ".join(shown_messages(response))
    aigul = event.participants.get(phone="+996555123456")
    assert (aigul.full_name, aigul.gender, aigul.age_band) == ("Токтосунова Айгуль", Gender.WOMAN, AgeBand.FROM_30)
    assert (aigul.organisation, aigul.position) == ("Совет женщин", "Председатель")
    assert aigul.district.name_en == "Leilek district"
    assert event.participants.get(email="bakyt@example.org").gender == Gender.MAN


def test_kyrgyz_headers_in_utf8_are_recognised(organiser_client):
    event = EventFactory()
    rows = [
        ["Аты-жөнү", "Телефону", "Уюму", "Кызматы", "Жынысы"],
        ["Айгүл Өмүрбекова", "0555 123 456", "Аялдар кеңеши", "Төрага", "Аял"],
    ]

    preview = preview_import(organiser_client, event, text_upload(rows, "utf-8-sig"))
    confirm_import(organiser_client, preview)

    person = event.participants.get()
    assert (person.full_name, person.organisation, person.position) == ("Айгүл Өмүрбекова", "Аялдар кеңеши", "Төрага")
    assert person.gender == Gender.WOMAN


def test_a_name_in_separate_columns_is_put_together(organiser_client):
    event = EventFactory()
    rows = [["Фамилия", "Имя", "Отчество", "Телефон"], ["Асанова", "Гүлнара", "Бакытовна", "0700 234 567"]]

    preview = preview_import(organiser_client, event, xlsx_upload(rows), file_format=XLSX_FORMAT)
    confirm_import(organiser_client, preview)

    assert event.participants.get().full_name == "Асанова Гүлнара Бакытовна"


def test_excel_unicode_text_in_utf16_with_tabs_is_imported(organiser_client):
    event = EventFactory()
    rows = [["ФИО", "Моб. телефон"], ["Назгүл Ормонова", "0772 105 205"]]

    preview = preview_import(organiser_client, event, text_upload(rows, "utf-16", delimiter="\t"))
    confirm_import(organiser_client, preview)

    assert event.participants.get().full_name == "Назгүл Ормонова"


def test_cp1251_file_that_lost_its_kyrgyz_letters_is_refused_with_what_to_do(organiser_client):
    event = EventFactory()
    # Excel saved "Айгүл Өмүрбекова" in cp1251, which has no ү or Ө.
    upload = SimpleUploadedFile("invitees.csv", "ФИО;Тел.\r\nАйг?л ?м?рбекова;0555 123 456\r\n".encode("cp1251"))

    response = preview_import(organiser_client, event, upload)

    message = import_errors(response)
    assert "no Kyrgyz letters ө, ү and ң" in message
    assert "“Айг?л”" in message
    assert "CSV UTF-8" in message
    assert not event.participants.exists()


def test_a_file_that_is_not_text_is_refused_with_what_to_do(organiser_client):
    event = EventFactory()
    # An Excel file, with the format left at "csv".
    response = preview_import(organiser_client, event, xlsx_upload([["ФИО"], ["Айгүл"]], name="invitees.csv"))

    assert "could not be read as a text (CSV) file" in import_errors(response)


def test_a_text_file_chosen_as_excel_is_refused_with_what_to_do(organiser_client):
    event = EventFactory()
    upload = text_upload([["ФИО"], ["Айгүл"]], "utf-8")

    response = preview_import(organiser_client, event, upload, file_format=XLSX_FORMAT)

    assert "Check that the format chosen below is the file's" in import_errors(response)


def test_a_list_longer_than_the_limit_is_refused_before_any_row_is_checked(organiser_client, settings):
    settings.PARTICIPANT_IMPORT_MAX_ROWS = 3
    event = EventFactory()
    rows = [["ФИО", "Тел."]] + [["Айгүл Токтосунова", f"0555 123 45{n}"] for n in range(4)]
    # Formatted empty rows below a list do not count.
    rows_with_blanks = rows[:4] + [["", ""]] * 50

    too_long = preview_import(organiser_client, event, text_upload(rows, "utf-8"))
    fits = preview_import(organiser_client, event, text_upload(rows_with_blanks, "utf-8"))

    assert "This list has more than 3 rows. Split it into files of at most 3 rows" in import_errors(too_long)
    assert "result" not in too_long.context
    assert fits.context["result"].totals["new"] == 3


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(organiser_client, settings):
    settings.PARTICIPANT_IMPORT_MAX_MEGABYTES = 1
    event = EventFactory()
    upload = SimpleUploadedFile("invitees.csv", "ФИО\n".encode() + b"x" * (1024 * 1024))

    response = preview_import(organiser_client, event, upload)

    assert "This file is larger than 1 MB." in import_errors(response)


def test_a_long_list_previews_its_first_rows_and_imports_everyone_with_their_history(organiser_client):
    event = EventFactory()
    rows = [["ФИО", "Тел."]] + [["Айгуль Токтосунова", f"0700 {n // 1000:03d} {n % 1000:03d}"] for n in range(2500)]

    preview = preview_import(organiser_client, event, text_upload(rows, "cp1251", delimiter=";"))

    page = " ".join(page_text(preview).split())
    assert "2500 people will be added. The first 100 are shown." in page
    assert page.count("+996700000") == 100
    assert not event.participants.exists()
    response = confirm_import(organiser_client, preview)

    assert "2500 people were added as invited." in " ".join(shown_messages(response))
    assert event.participants.filter(status=Status.INVITED).count() == 2500
    history = StatusChange.objects.filter(participant__event=event)
    assert set(history.values_list("to_status", "changed_by__username", "note")) == {
        (Status.INVITED, "organiser", "imported from a list")
    }
    assert history.count() == 2500


def test_many_bad_rows_show_the_first_ones_and_how_many_more(organiser_client):
    event = EventFactory()
    rows = [["ФИО", "Тел."]] + [["", f"0700 {n // 1000:03d} {n % 1000:03d}"] for n in range(250)]

    response = preview_import(organiser_client, event, text_upload(rows, "utf-8"))

    page = page_text(response)
    assert page.count("The full name is missing.") == 200
    assert "… and 50 more rows to correct, not shown here." in page
