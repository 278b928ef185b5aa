import csv
import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.tests.factories import EventFactory, TrackFactory
from participants import services
from messaging.models import MessageKind
from participants.models import ConsentKind, Source, Status, StatusChange, Visibility
from participants.resources import EXPORT_COLUMNS

from .factories import DistrictFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

EXAMPLE_INVITEE_LIST = Path(settings.BASE_DIR) / "docs" / "invitees-example.xlsx"
CHANGELIST_URL = "/admin/participants/participant/"
IMPORT_URL = CHANGELIST_URL + "import/"
PROCESS_IMPORT_URL = CHANGELIST_URL + "process_import/"
EXPORT_URL = CHANGELIST_URL + "export/"
# The position of each format in the admin's format list.
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def csv_upload(rows, name="invitees.csv"):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(), content_type="text/csv")


def preview_import(client, event, upload, file_format=CSV_FORMAT):
    return client.post(IMPORT_URL, {"event": event.pk, "format": file_format, "resource": "0", "import_file": upload})


def confirm_import(client, preview):
    confirm_form = preview.context["confirm_form"]
    data = {name: confirm_form.initial[name] for name in confirm_form.fields}
    return client.post(PROCESS_IMPORT_URL, data, follow=True)


def page_text(response):
    return html.unescape(response.content.decode())


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def export(client, file_format, query=""):
    fields = {f"participantresource_{name}": "on" for name in EXPORT_COLUMNS}
    return client.post(EXPORT_URL + query, {"format": file_format, "resource": "0", **fields})


def exported_csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def exported_xlsx(response):
    """Each row's cells by header, to see how Excel will read them."""
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=2)]


def run_action(client, action, participants):
    return client.post(
        CHANGELIST_URL, {"action": action, "_selected_action": [p.pk for p in participants]}, follow=True
    )


def change_form_data(response):
    """What the browser would post back for an admin change page left as it is."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management_form = inline.formset.management_form
        data.update({management_form.add_prefix(name): value for name, value in management_form.initial.items()})
        forms.extend(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_import_preview_shows_each_bad_row_and_saves_nothing(organiser_client):
    event = EventFactory()
    ParticipantFactory(event=event, email="gulnara@example.org")
    rows = [
        ["Full name", "Email", "Phone", "Category", "District"],
        ["Айгүл Токтосунова", "aigul@example.org", "0555 12", "Women activist", "Batken district"],
        ["Гүлнара Асанова", "GULNARA@example.org", "", "Women activist", "Batken district"],
        ["Нургүл Маматова", "", "0777 456 789", "Women activist", "Atlantis district"],
        ["Бермет Осмонова", "bermet@example.org", "+996 777 456 789", "Astronaut", "Osh city"],
        ["", "nobody@example.org", "", "Media", "Osh city"],
    ]

    response = preview_import(organiser_client, event, csv_upload(rows))

    page = page_text(response)
    assert "Some rows need correcting" in page
    assert "<strong>Phone:</strong> Enter a valid phone number, for example 0555 123 456" in page
    assert "<strong>Email:</strong> Somebody with this email address is already on this event's list." in page
    assert "<strong>District:</strong> There is no district or town called “Atlantis district”" in page
    assert "<strong>Phone:</strong> The same phone number is on row 4 of this file." in page
    assert "<strong>Category:</strong> This event has no category called “Astronaut”." in page
    assert "<strong>Full name:</strong> The full name is missing." in page
    # Numbered as in the spreadsheet, whose first row is the header.
    assert re.findall(r"<tr>\s*<td>(\d+)</td>", page) == ["2", "3", "4", "5", "6"]
    assert not response.context.get("confirm_form")
    assert event.participants.count() == 1


def test_import_of_a_clean_file_adds_invitees_only_after_confirmation(organiser_client):
    event = EventFactory()
    rows = [
        ["full_name", "EMAIL", "phone", "gender", "Age band", "category", "district", "preferred_language"],
        ["Айгүл Токтосунова", "Aigul.T@Example.org", "0555 123 456", "woman", "30-44", "Женщина-активистка",
         "лейлекский район", "Kyrgyz"],
        ["", "", "", "", "", "", "", ""],
        ["Жылдыз Абдыкадырова кызы", "", "0700 234 567", "Woman", "18_29", "Civil society", "Osh city", "ru"],
    ]  # fmt: skip

    preview = preview_import(organiser_client, event, csv_upload(rows))

    assert f"The people below will be added to “{event}” as invited." in page_text(preview)
    assert event.participants.count() == 0

    response = confirm_import(organiser_client, preview)

    assert "2 people were added as invited." in " ".join(shown_messages(response))
    aigul = event.participants.get(full_name="Айгүл Токтосунова")
    assert (aigul.email, aigul.phone) == ("aigul.t@example.org", "+996555123456")
    assert (aigul.gender, aigul.age_band, aigul.preferred_language) == ("woman", "30_44", "ky")
    assert aigul.category.name_en == "Women activist"
    assert aigul.district.name_en == "Leilek district"
    assert aigul.preferred_channel == "whatsapp"
    assert set(event.participants.values_list("status", "source")) == {(Status.INVITED, Source.INVITATION)}
    first_steps = StatusChange.objects.filter(participant__event=event)
    assert set(first_steps.values_list("to_status", "changed_by__username", "note")) == {
        (Status.INVITED, "organiser", "imported from a list")
    }
    assert first_steps.count() == 2


def test_example_invitee_list_imports_into_a_fresh_event(organiser_client):
    event = EventFactory()
    upload = SimpleUploadedFile("invitees-example.xlsx", EXAMPLE_INVITEE_LIST.read_bytes())

    preview = preview_import(organiser_client, event, upload, file_format=XLSX_FORMAT)

    assert not preview.context["result"].has_validation_errors()
    response = confirm_import(organiser_client, preview)

    assert "30 people were added as invited." in " ".join(shown_messages(response))
    assert event.participants.filter(status=Status.INVITED).count() == 30
    assert event.participants.filter(email="").count() == 5
    assert event.participants.filter(category__isnull=True).count() == 0
    assert event.participants.filter(district__isnull=True).count() == 0


def test_confirming_an_import_after_the_list_changed_imports_nothing(organiser_client):
    event = EventFactory()
    rows = [["Full name", "Phone"], ["Айгүл Токтосунова", "0555 123 456"], ["Гүлнара Асанова", "0700 234 567"]]
    preview = preview_import(organiser_client, event, csv_upload(rows))
    # Somebody registers with one of the numbers between the preview and the confirmation.
    ParticipantFactory(event=event, full_name="Гүлнара А.", phone="+996700234567")

    response = confirm_import(organiser_client, preview)

    assert "Nothing was imported" in " ".join(shown_messages(response))
    assert list(event.participants.values_list("full_name", flat=True)) == ["Гүлнара А."]


def test_export_of_an_event_leaves_out_people_at_risk_and_those_who_asked_to_be_only_counted(organiser_client):
    event = EventFactory()
    ParticipantFactory(event=event, full_name="Айгүл Токтосунова", visibility=Visibility.ORGANISERS_ONLY)
    ParticipantFactory(event=event, full_name="Бурул Маматова", visibility=Visibility.LISTED)
    ParticipantFactory(event=event, full_name="Жылдыз Абдыкадырова", visibility=Visibility.LISTED, at_risk=True)
    ParticipantFactory(event=event, full_name="Зарина Исакова", visibility=Visibility.COUNTED_ONLY)
    ParticipantFactory(full_name="Гүлнара Асанова")
    filtered = f"?event__id__exact={event.pk}"

    csv_rows = exported_csv(export(organiser_client, CSV_FORMAT, filtered))
    xlsx_rows = exported_xlsx(export(organiser_client, XLSX_FORMAT, filtered))

    assert [row["Full name"] for row in csv_rows] == ["Айгүл Токтосунова", "Бурул Маматова"]
    assert [row["Full name"].value for row in xlsx_rows] == ["Айгүл Токтосунова", "Бурул Маматова"]


def test_export_shows_labels_and_current_consent_answers(organiser_client):
    participant = ParticipantFactory(gender="woman", childcare_needed=True)
    participant.track = TrackFactory(event=participant.event, title="Border communities")
    participant.save()
    services.record_consents(
        participant, {ConsentKind.DATA_PROCESSING: True, ConsentKind.PHOTOGRAPHY: False}, language="ky"
    )
    services.record_consents(participant, {ConsentKind.PHOTOGRAPHY: True}, language="ky")

    (row,) = exported_csv(export(organiser_client, CSV_FORMAT))

    assert (row["Status"], row["Gender"], row["Category"]) == ("Invited", "Woman", "Women activist")
    # The track beside the category, as organisers plan the rooms from the list.
    assert list(row)[list(row).index("Category") + 1] == "Discussion track"
    assert row["Discussion track"] == "Border communities"
    assert (row["Consent: personal data"], row["Consent: photographs and filming"]) == ("yes", "yes")
    assert row["Consent: named in the media"] == ""
    assert row["Childcare needed"] == "yes"
    assert row["In the participant list"] == "Known to the organisers only"
    assert "Organisers' notes" not in row


def test_export_escapes_formulae_in_csv_and_xlsx(organiser_client):
    ParticipantFactory(organisation='=HYPERLINK("http://x")', position="-1", phone="+996555123456")

    (csv_row,) = exported_csv(export(organiser_client, CSV_FORMAT))
    (xlsx_row,) = exported_xlsx(export(organiser_client, XLSX_FORMAT))

    assert csv_row["Organisation"] == '\'=HYPERLINK("http://x")'
    assert csv_row["Position"] == "'-1"
    assert csv_row["Phone"] == "'+996555123456"
    organisation = xlsx_row["Organisation"]
    assert organisation.data_type == "s"
    assert organisation.value == '\'=HYPERLINK("http://x")'
    # An Excel file keeps text as text: the phone stays as it is, and is no formula.
    assert (xlsx_row["Phone"].data_type, xlsx_row["Phone"].value) == ("s", "+996555123456")


def test_send_invitations_emails_invitees_and_names_those_without_email(
    organiser_client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    with_email = ParticipantFactory(event=event)
    without_email = ParticipantFactory(event=event, full_name="Канышай Орозбаева", email="")
    registered = ParticipantFactory(event=event, status=Status.REGISTERED)

    with django_capture_on_commit_callbacks() as callbacks:
        response = run_action(organiser_client, "send_invitations", [with_email, without_email, registered])

    assert len(callbacks) == 1
    assert with_email.messages.get().kind == MessageKind.INVITATION
    with_email.refresh_from_db()
    without_email.refresh_from_db()
    registered.refresh_from_db()
    assert with_email.invitation_sent_at and without_email.invitation_sent_at
    assert registered.invitation_sent_at is None
    shown = shown_messages(response)
    assert "1 invitation is on its way by email." in shown
    assert any("1 person has no email address" in message and "Канышай Орозбаева" in message for message in shown)
    assert "1 selected person was left out: they are no longer at the “Invited” stage." in shown


def test_send_invitations_leaves_out_people_already_invited(organiser_client, django_capture_on_commit_callbacks):
    already_invited = ParticipantFactory()
    services.send_invitations([already_invited])

    with django_capture_on_commit_callbacks() as callbacks:
        response = run_action(organiser_client, "send_invitations", [already_invited])

    assert callbacks == []
    assert shown_messages(response) == [
        "Left out, as they were already sent an invitation (to send another, use “Replace the personal link "
        "and send it”): 1.",
    ]


def test_mark_as_declined_frees_the_seat_for_the_waiting_list(organiser_client, organiser):
    event = EventFactory(capacity=1)
    seated = ParticipantFactory(event=event, status=Status.REGISTERED)
    waiting = ParticipantFactory(event=event, status=Status.WAITLISTED)

    response = run_action(organiser_client, "mark_declined", [seated])

    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == (Status.DECLINED, Status.REGISTERED)
    assert seated.status_changes.get().changed_by == organiser
    assert "1 participant is now marked as declined." in shown_messages(response)


def test_mark_as_attended_checks_people_in(organiser_client):
    event = EventFactory()
    people = [ParticipantFactory(event=event, status=Status.REGISTERED) for _ in range(2)]
    already_in = ParticipantFactory(event=event, status=Status.ATTENDED)

    response = run_action(organiser_client, "mark_attended", [*people, already_in])

    assert event.participants.filter(status=Status.ATTENDED).count() == 3
    assert shown_messages(response)[-2:] == [
        "2 participants are now checked in as attended.",
        "1 selected person was already checked in.",
    ]


def test_change_list_counts_each_status_of_the_chosen_event(organiser_client):
    event = EventFactory()
    ParticipantFactory.create_batch(2, event=event)
    ParticipantFactory(event=event, status=Status.REGISTERED)
    ParticipantFactory.create_batch(3, event=EventFactory())

    response = organiser_client.get(CHANGELIST_URL, {"event__id__exact": event.pk, "status__exact": "registered"})

    counts = {status["label"]: status["count"] for status in response.context["status_counts"]}
    assert (counts["Invited"], counts["Registered"], counts["Attended"]) == (2, 1, 0)
    page = page_text(response)
    assert 'Invited: <span class="status-count">2</span>' in page
    assert 'aria-current="true">Registered: <span class="status-count">1</span>' in page
    assert f'href="?event__id__exact={event.pk}&status__exact=invited"' in page


def statements_of(client, url, query=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query or {}).status_code == 200
    return len(captured.captured_queries)


def test_change_list_and_change_form_statements_follow_neither_the_people_nor_the_districts(
    organiser_client, django_assert_max_num_queries
):
    event = EventFactory()
    people = [
        ParticipantFactory(event=event, district=DistrictFactory(), track=TrackFactory(event=event)) for _ in range(5)
    ]
    lists = [{}, {"event__id__exact": event.pk, "status__exact": "invited"}, {"q": "a"}]
    change_url = f"{CHANGELIST_URL}{people[0].pk}/change/"
    for url in (CHANGELIST_URL, change_url):  # the caches a first request fills (content types, permissions)
        organiser_client.get(url)
    few = [statements_of(organiser_client, CHANGELIST_URL, query) for query in lists]
    few.append(statements_of(organiser_client, change_url))

    for _ in range(45):
        ParticipantFactory(event=event, district=DistrictFactory(), track=TrackFactory(event=event))
    many = [statements_of(organiser_client, CHANGELIST_URL, query) for query in lists]
    many.append(statements_of(organiser_client, change_url))

    assert many == few
    # Built once: the status counts ask for the list again, and must not read every filter's choices again.
    with django_assert_max_num_queries(20):
        organiser_client.get(CHANGELIST_URL, lists[1])


def test_list_shows_the_columns_an_organiser_scans_and_the_event_as_a_filter(organiser_client):
    event = EventFactory(title="Women, peace and security in the border communities of Batken")
    ParticipantFactory(
        event=event,
        track=TrackFactory(event=event, title="Water and pastures"),
        district=DistrictFactory(name="Leilek"),
    )
    EventFactory()  # with one event only, Django shows no filter to choose it

    page = page_text(organiser_client.get(CHANGELIST_URL))

    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert columns == ["full_name", "status", "category", "track", "phone", "district"]
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "Water and pastures" in row and "Leilek" in row
    # The event's long title is a filter, not on every row.
    assert event.title not in row
    assert f'<a href="?event__id__exact={event.pk}">{event.title}</a>' in page


def test_search_finds_a_phone_written_the_local_way(organiser_client):
    ParticipantFactory(full_name="Айгүл Токтосунова", phone="+996555123456")
    ParticipantFactory(full_name="Гүлнара Асанова", phone="+996700234567")

    response = organiser_client.get(CHANGELIST_URL, {"q": "0555 123 456"})

    assert [p.full_name for p in response.context["cl"].result_list] == ["Айгүл Токтосунова"]


def test_change_form_shows_the_personal_link_with_a_copy_button(organiser_client):
    participant = ParticipantFactory(preferred_language="ru")

    page = page_text(organiser_client.get(f"{CHANGELIST_URL}{participant.pk}/change/"))

    assert f'value="{settings.SITE_URL}/ru/p/{participant.access_token}/"' in page
    assert "data-copy-button" in page
    assert "js/copy-link.js" in page


def test_paper_consent_added_inline_is_recorded_by_the_organiser(organiser_client, organiser):
    participant = ParticipantFactory(full_name="Айгүл Токтосунова")
    change_url = f"{CHANGELIST_URL}{participant.pk}/change/"
    data = change_form_data(organiser_client.get(change_url))
    data.update(
        {
            "consents-TOTAL_FORMS": "1",
            "consents-0-participant": participant.pk,
            "consents-0-kind": ConsentKind.PHOTOGRAPHY,
            "consents-0-given": "on",
            "consents-0-language": "ky",
        }
    )

    response = organiser_client.post(change_url, data)

    assert response.status_code == 302
    consent = participant.consents.get()
    assert (consent.kind, consent.given, consent.language) == (ConsentKind.PHOTOGRAPHY, True, "ky")
    assert (consent.method, consent.recorded_by, consent.text_version) == (
        "paper",
        organiser,
        services.CONSENT_TEXT_VERSION,
    )


def test_status_cannot_be_changed_on_the_change_form(organiser_client):
    participant = ParticipantFactory(full_name="Айгүл Токтосунова")
    change_url = f"{CHANGELIST_URL}{participant.pk}/change/"
    data = change_form_data(organiser_client.get(change_url))

    response = organiser_client.post(change_url, {**data, "status": Status.ATTENDED, "organiser_notes": "Called"})

    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.status, participant.organiser_notes) == (Status.INVITED, "Called")


def test_staff_without_participant_permissions_sees_no_participant_data(client, django_user_model):
    ParticipantFactory()
    client.force_login(django_user_model.objects.create_user("volunteer", is_staff=True))

    assert client.get(CHANGELIST_URL).status_code == 403
    assert client.get(EXPORT_URL).status_code == 403
    assert export(client, CSV_FORMAT).status_code == 403
    assert client.get(IMPORT_URL).status_code == 403


def test_participant_added_by_hand_starts_a_history_naming_the_organiser(organiser_client):
    event = EventFactory()
    data = change_form_data(organiser_client.get(CHANGELIST_URL + "add/"))
    data.update({"event": event.pk, "full_name": "Нургүл Асанова", "phone": "0555 987 654"})

    response = organiser_client.post(CHANGELIST_URL + "add/", data)

    assert response.status_code == 302, page_text(response)
    step = StatusChange.objects.get(participant__full_name="Нургүл Асанова")
    assert (step.from_status, step.to_status, step.changed_by.username) == ("", Status.INVITED, "organiser")


def test_each_row_of_the_list_has_a_checkbox_that_says_whose_it_is_in_russian(organiser_client):
    event = EventFactory()
    aigul = ParticipantFactory(event=event, full_name="Айгүл <Асанова>")

    page = organiser_client.get(CHANGELIST_URL, HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    checkbox = re.search(rf'<input type="checkbox" name="_selected_action" value="{aigul.pk}"[^>]*>', page).group()
    assert 'class="action-select"' in checkbox
    assert "Выбрать этот объект, чтобы применить к нему действие - Айгүл &lt;Асанова&gt;" in checkbox


def test_the_russian_admin_names_the_list_and_the_page_without_breaking_the_grammar(organiser_client):
    participant = ParticipantFactory(full_name="Айгүл Асанова")

    listing = organiser_client.get(CHANGELIST_URL, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    page = organiser_client.get(f"{CHANGELIST_URL}{participant.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "<h1>Выбор для изменения: участник</h1>" in listing
    assert "Выберите участник" not in listing
    assert "<h1>Изменение: участник</h1>" in page
