import csv
import io
import time

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from agenda.tests.factories import FacilitatorFactory, TrackFactory, UserFactory
from participants.models import Gender, Status, Visibility
from participants.tests.factories import CategoryFactory, DistrictFactory, ParticipantFactory
from recommendations import outcome, services
from recommendations.tasks import generate_outcome_document
from recommendations.models import OutcomeDocument, OutcomeFormat, OutcomeStatus, Quote, RecommendationStatus
from recommendations.tests.factories import (
    OrganiserFactory,
    RecommendationFactory,
    SessionReportFactory,
    StartedSessionFactory,
    participant_who_may_be_quoted,
)

pytestmark = pytest.mark.django_db

ACCEPTED = [
    "Include women from border villages in the emergency headquarters.",
    "Publish the criteria for who receives humanitarian aid.",
]
LEFT_OUT = {
    "not retained": "Pay every volunteer from the national budget.",
    "merged": "Put women in the emergency headquarters too.",
    "draft": "A half-written idea about roads.",
    "submitted": "Hold a yearly meeting across the border.",
}

# Kyrgyz with its own letters ң, ө and ү.
KYRGYZ = "Чек ара айылдарында аял медиаторлордун жаңы тармагын түзүү, өкмөт колдосун."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def event():
    """An event whose sessions produced accepted, merged, not retained, draft and submitted recommendations."""
    session = StartedSessionFactory(track=None)
    event = session.event
    session.track = TrackFactory(event=event, title="Emergency response")
    session.save()
    SessionReportFactory(session=session, key_points="Women organised the evacuation lists by hand.", women_count=9, men_count=2)
    kept = RecommendationFactory(session=session, text=ACCEPTED[0], status=RecommendationStatus.ACCEPTED, measure="Change the rules of the headquarters.")
    RecommendationFactory(session=session, text=ACCEPTED[1], status=RecommendationStatus.ACCEPTED, indicator="Criteria published in every village.")
    RecommendationFactory(
        session=session, text=LEFT_OUT["not retained"], status=RecommendationStatus.NOT_RETAINED, not_retained_reason="Out of scope"
    )
    RecommendationFactory(session=session, text=LEFT_OUT["merged"], status=RecommendationStatus.MERGED, merged_into=kept)
    RecommendationFactory(session=session, text=LEFT_OUT["draft"], status=RecommendationStatus.DRAFT)
    RecommendationFactory(session=session, text=LEFT_OUT["submitted"], status=RecommendationStatus.SUBMITTED)
    return event


def flat(text):
    return " ".join(text.split())


def pdf_text(data):
    # A line may break after a hyphen: joined again, as a reader reads it.
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("-\n", "-"))


def docx_text(data):
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return flat(" ".join(parts))


def test_gather_counts_people_who_attended_by_gender_category_and_district(event):
    activists, deputies = CategoryFactory(event=event, name="Border activists"), CategoryFactory(event=event, name="Village deputies")
    leilek, batken = DistrictFactory(name="Leilek district"), DistrictFactory(name="Batken district")
    for gender, category, district, count in [
        (Gender.WOMAN, activists, leilek, 6),
        (Gender.WOMAN, activists, batken, 1),
        (Gender.WOMAN, deputies, batken, 5),
        (Gender.MAN, deputies, None, 5),
    ]:
        ParticipantFactory.create_batch(
            count, event=event, status=Status.ATTENDED, gender=gender, category=category, district=district
        )
    ParticipantFactory(event=event, status=Status.REGISTERED, gender=Gender.WOMAN)  # registered, did not come

    participation = outcome.gather(event, "en").participation

    assert participation.attended and participation.total == 17
    assert [(f.label, f.count) for f in participation.by_gender] == [("Woman", 12), ("Man", 5)]
    assert {f.label: f.count for f in participation.by_category} == {"Border activists": 7, "Village deputies": 10}
    by_district = {f.label.split(" (")[0]: f.count for f in participation.by_district}
    assert by_district == {"Leilek district": 6, "Batken district": 6, "Not given": 5}


def test_gather_counts_registered_people_while_nobody_is_checked_in(event):
    ParticipantFactory.create_batch(5, event=event, status=Status.REGISTERED, gender=Gender.WOMAN)
    ParticipantFactory.create_batch(6, event=event, status=Status.REGISTERED, gender="")
    ParticipantFactory(event=event, status=Status.WAITLISTED, gender=Gender.MAN)

    participation = outcome.gather(event, "en").participation

    assert not participation.attended and participation.total == 11
    assert [(f.label, f.count) for f in participation.by_gender] == [("Woman", 5), ("Not given", 6)]


def test_people_at_risk_are_counted_but_never_named(event):
    session = event.sessions.get()
    speaker = participant_who_may_be_quoted(
        event, full_name="Aizada Speaker", status=Status.ATTENDED, gender=Gender.WOMAN, visibility=Visibility.LISTED
    )
    hidden = participant_who_may_be_quoted(event, full_name="Nurzhan Hidden", status=Status.ATTENDED, gender=Gender.WOMAN)
    Quote.objects.create(report=session.report, participant=speaker, text="We knew every family.", language="en")
    Quote.objects.create(report=session.report, participant=hidden, text="Nobody asked us.", language="en")
    hidden.at_risk = True
    hidden.save()

    content = outcome.gather(event, "en")

    assert content.participation.total is None  # Fewer than five: the document says so, not how many.
    for data in (outcome.render_pdf(content), outcome.render_docx(content)):
        text = pdf_text(data) if data.startswith(b"%PDF") else docx_text(data)
        assert "We knew every family." in text and "Aizada Speaker" in text
        assert "Nurzhan Hidden" not in text and "Nobody asked us." not in text


@pytest.mark.parametrize("format", ["pdf", "docx"])
def test_document_holds_each_accepted_recommendation_and_nothing_else(event, format):
    content = outcome.gather(event, "en")

    text = pdf_text(outcome.render_pdf(content)) if format == "pdf" else docx_text(outcome.render_docx(content))

    for accepted in ACCEPTED:
        assert accepted in text
    for left_out in LEFT_OUT.values():
        assert left_out not in text
    assert "Emergency response" in text  # the source track
    assert "Women organised the evacuation lists by hand." in text
    assert "Change the rules of the headquarters." in text
    assert event.title in text and "Osh" in text


@pytest.mark.parametrize("format", ["pdf", "docx"])
def test_russian_document_keeps_cyrillic_and_kyrgyz_letters(event, format):
    RecommendationFactory(
        session=event.sessions.get(),
        language="ky",
        text=KYRGYZ,
        translation_ru="Создать сеть женщин-медиаторов в приграничных сёлах.",
        status=RecommendationStatus.ACCEPTED,
    )
    content = outcome.gather(event, "ru")

    data = outcome.render(content, format)

    text = pdf_text(data) if format == "pdf" else docx_text(data)
    assert "Создать сеть женщин-медиаторов в приграничных сёлах." in text
    assert KYRGYZ in text  # the words as said, beside the translation

def test_csv_and_xlsx_have_one_row_per_accepted_recommendation_with_formulae_escaped(event):
    RecommendationFactory(
        session=event.sessions.get(),
        text="=HYPERLINK(\"http://example.org\")",
        measure="+996 555 123 456 to call",
        status=RecommendationStatus.ACCEPTED,
    )
    content = outcome.gather(event, "en")

    rows = list(csv.DictReader(io.StringIO(outcome.render_csv(content).decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(outcome.render_xlsx(content))).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert len(rows) == len(cells) - 1 == 3
    assert {row["Recommendation"] for row in rows} == {*ACCEPTED, "'=HYPERLINK(\"http://example.org\")"}
    assert "'+996 555 123 456 to call" in {row["Measure"] for row in rows}
    assert all(row["Source session"] == event.sessions.get().title for row in rows)
    xlsx_values = {value for row in cells for value in row if isinstance(value, str)}
    assert "'=HYPERLINK(\"http://example.org\")" in xlsx_values
    assert not any(value.startswith("=") for value in xlsx_values)


def prepare(event, capture, format, language="en"):
    """Ask for a document as an organiser does, then run the task the request enqueued, in this process."""
    with capture() as callbacks:
        document = services.request_outcome_document(event, language=language, format=format, by=OrganiserFactory())
    assert len(callbacks) == 1
    assert document.status == OutcomeStatus.QUEUED
    generate_outcome_document(document.pk)
    document.refresh_from_db()
    return document


def test_requested_document_is_generated_in_the_background(event, django_capture_on_commit_callbacks):
    document = prepare(event, django_capture_on_commit_callbacks, OutcomeFormat.PDF)

    assert document.status == OutcomeStatus.READY and document.finished_at
    with document.file.open("rb") as handle:
        assert ACCEPTED[0] in pdf_text(handle.read())


def test_generating_again_leaves_a_ready_document_alone(event, django_capture_on_commit_callbacks):
    document = prepare(event, django_capture_on_commit_callbacks, OutcomeFormat.CSV)
    finished_at, name = document.finished_at, document.file.name

    assert services.generate_outcome_document(document.pk) is None

    document.refresh_from_db()
    assert (document.finished_at, document.file.name) == (finished_at, name)


def test_asking_twice_while_waiting_gives_the_same_document(event, django_capture_on_commit_callbacks):
    organiser = OrganiserFactory()
    with django_capture_on_commit_callbacks():
        first = services.request_outcome_document(event, language="ru", format=OutcomeFormat.DOCX, by=organiser)
        second = services.request_outcome_document(event, language="ru", format=OutcomeFormat.DOCX, by=organiser)

    assert first == second and OutcomeDocument.objects.count() == 1


def test_a_document_that_cannot_be_drawn_shows_as_failed(event, monkeypatch, django_capture_on_commit_callbacks):
    def broken(content):
        raise ValueError("the printer is on fire")

    monkeypatch.setitem(outcome.RENDERERS, OutcomeFormat.PDF, broken)

    document = prepare(event, django_capture_on_commit_callbacks, OutcomeFormat.PDF)

    assert document.status == OutcomeStatus.FAILED
    assert "the printer is on fire" in document.error


def test_only_organisers_may_ask_for_the_document(event):
    with pytest.raises(services.PermissionDenied):
        services.request_outcome_document(event, language="en", format=OutcomeFormat.PDF, by=FacilitatorFactory())


@pytest.fixture
def ready_document(event, django_capture_on_commit_callbacks):
    return prepare(event, django_capture_on_commit_callbacks, OutcomeFormat.DOCX)


def download_address(document):
    return reverse("admin:recommendations_outcomedocument_download", args=[document.pk])


def test_anonymous_visitors_are_sent_to_log_in_for_a_download(client, ready_document):
    response = client.get(download_address(ready_document))

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("user_factory", [FacilitatorFactory, lambda: UserFactory(is_staff=True)])
def test_people_who_are_not_organisers_cannot_download(client, ready_document, user_factory):
    client.force_login(user_factory())

    assert client.get(download_address(ready_document)).status_code == 403


def test_organiser_downloads_the_ready_document(client, ready_document):
    client.force_login(OrganiserFactory())

    response = client.get(download_address(ready_document))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert ACCEPTED[1] in docx_text(b"".join(response.streaming_content))


def test_download_of_a_document_still_being_prepared_says_so(client, event, django_capture_on_commit_callbacks):
    organiser = OrganiserFactory()
    client.force_login(organiser)
    with django_capture_on_commit_callbacks():  # not run: the worker has not got to it
        document = services.request_outcome_document(event, language="en", format=OutcomeFormat.PDF, by=organiser)

    response = client.get(download_address(document), follow=True)

    assert "This document is not ready yet." in response.content.decode()


def test_organiser_asks_for_pdf_and_docx_from_the_admin_and_finds_them_listed(client, event, django_capture_on_commit_callbacks):
    client.force_login(OrganiserFactory())
    assert "Prepare the document" in client.get(
        reverse("admin:recommendations_recommendation_consolidate") + f"?event={event.pk}"
    ).content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("admin:recommendations_outcomedocument_add"),
            {"event": event.pk, "language": "ru", "formats": ["pdf", "docx"]},
            follow=True,
        )
    assert "The outcome document is being prepared." in response.content.decode()
    assert len(callbacks) == 2
    for document in OutcomeDocument.objects.all():
        generate_outcome_document(document.pk)

    page = client.get(response.redirect_chain[-1][0]).content.decode()
    assert OutcomeDocument.objects.filter(event=event, language="ru", status=OutcomeStatus.READY).count() == 2
    assert page.count(">Download</a>") == 2


def test_admin_request_form_explains_a_missing_format(client, event):
    client.force_login(OrganiserFactory())

    response = client.post(reverse("admin:recommendations_outcomedocument_add"), {"event": event.pk, "language": "ru"})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not OutcomeDocument.objects.exists()


@pytest.fixture
def worker_media_root(media_root, monkeypatch):
    # The worker process writes the file where this test reads it.
    monkeypatch.setenv("MEDIA_ROOT", str(media_root))
    return media_root


@pytest.mark.worker
def test_real_worker_prepares_the_document(transactional_db, worker_media_root, celery_worker_process):
    session = StartedSessionFactory()
    RecommendationFactory(session=session, text=ACCEPTED[0], status=RecommendationStatus.ACCEPTED)

    document = services.request_outcome_document(session.event, language="ru", format=OutcomeFormat.PDF, by=OrganiserFactory())

    deadline = time.monotonic() + 60
    while OutcomeDocument.objects.get(pk=document.pk).status == OutcomeStatus.QUEUED:
        assert time.monotonic() < deadline, "the worker did not prepare the document within 60 seconds"
        time.sleep(0.3)
    document.refresh_from_db()
    assert document.status == OutcomeStatus.READY, document.error
    with document.file.open("rb") as handle:
        assert ACCEPTED[0] in pdf_text(handle.read())


def test_generating_again_from_the_list_draws_the_document_from_todays_data(client, ready_document, django_capture_on_commit_callbacks):
    client.force_login(OrganiserFactory())
    RecommendationFactory(session=ready_document.event.sessions.get(), text="Added after the first draw.", status=RecommendationStatus.ACCEPTED)

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(
            reverse("admin:recommendations_outcomedocument_changelist"),
            {"action": "generate_again", "_selected_action": [ready_document.pk]},
        )
    assert len(callbacks) == 1
    generate_outcome_document(ready_document.pk)

    ready_document.refresh_from_db()
    assert ready_document.status == OutcomeStatus.READY
    with ready_document.file.open("rb") as handle:
        assert "Added after the first draw." in docx_text(handle.read())


def test_deleting_a_document_removes_its_file(ready_document):
    storage, name = ready_document.file.storage, ready_document.file.name
    assert storage.exists(name)

    OutcomeDocument.objects.all().delete()

    assert not storage.exists(name)
