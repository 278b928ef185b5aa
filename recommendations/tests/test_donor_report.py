"""The donor report: the participation report's figures, the published recommendations' follow-up, the evaluation; nobody named."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from agenda.models import Event
from agenda.tests.factories import UserFactory
from evaluations.tests.factories import evaluation_after_the_event
from evaluations.tests.test_results import answered_by, six_answers
from participants import report as participation_report
from participants.models import Participant
from participants.privacy import count_or_hidden, publishable_count, publishable_counts
from recommendations import donor_report, services
from recommendations.models import Addressee, FollowUpStatus, Recommendation, RecommendationStatus
from recommendations.tests.factories import RecommendationFactory

pytestmark = pytest.mark.django_db

RENDERERS = {"docx": donor_report.render_docx, "pdf": donor_report.render_pdf}


def text_of(document, format):
    """The file's text as a reader reads it, one space between words; a DOCX table's row as its cells side by side."""
    if format == "pdf":
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    else:
        docx = Document(io.BytesIO(document))
        lines = [p.text for p in docx.paragraphs]
        lines += [" ".join(cell.text for cell in row.cells) for table in docx.tables for row in table.rows]
        text = "\n".join(lines)
    return " ".join(text.replace("-\n", "-").split())


@pytest.fixture
def osh():
    call_command("load_demo", stdout=io.StringIO())
    return Event.objects.get(slug="osh-dialogue-2021")


@pytest.mark.parametrize("format", ["docx", "pdf"])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_on_the_osh_demo_the_donor_report_gives_the_participation_reports_figures(osh, language, format):
    figures = participation_report.gather(osh, language)
    assert (figures.funnel.attended, figures.funnel.walk_ins) == (21, 2)  # 19 check-ins and 2 walk-ins

    text = text_of(RENDERERS[format](donor_report.gather(osh, language)), format)

    with translation.override(language):
        hidden = count_or_hidden(None)
    shown = lambda count: hidden if count is None else str(count)  # noqa: E731
    breakdowns = {breakdown.key: breakdown for breakdown in figures.breakdowns}
    for key in ("sex", "age", "category", "district"):
        rows = [row for row in breakdowns[key].rows if row.attended]
        assert breakdowns[key].title in text
        for row, count in zip(rows, publishable_counts([row.attended for row in rows])):
            assert f"{row.label} {shown(count)}" in text, (key, row.label)
    assert publishable_count(figures.funnel.walk_ins) is None
    assert {"en": f"Of them walk-ins {hidden}", "ru": f"Из них пришли без регистрации {hidden}"}[language] in text
    # 20 women and 1 man: her share, 95%, would give him away, so it is hidden with his count.
    sexes = [row.attended for row in breakdowns["sex"].rows]
    assert sexes == [20, 1] and publishable_counts(sexes) == [None, None]
    assert "95%" not in text
    assert {"en": f"Share of women {hidden}", "ru": hidden}[language] in text
    assert {"en": "as checked in at the event: 21", "ru": "21"}[language] in text
    for person in Participant.objects.filter(event=osh):
        assert person.full_name not in text


def test_recommendations_are_in_their_published_wording_with_their_latest_status(published, organiser):
    body = Addressee.objects.create(name_en="Ministry of Emergency Situations", name_ru="МЧС", name_ky="ӨКМ")
    services.record_follow_up(published, by=organiser, status=FollowUpStatus.objects.get(code="submitted"), body=body)
    # Changed in the records after publication: the donor reads what was published.
    Recommendation.objects.filter(pk=published.pk).update(translation_en="A wording nobody published.")

    text = text_of(donor_report.render_docx(donor_report.gather(published.event, "en")), "docx")

    assert "Include women in the border commissions." in text
    assert "nobody published" not in text
    assert "Submitted to the working group" in text
    assert "Ministry of Emergency Situations" in text


def test_before_the_outcome_is_published_and_without_an_evaluation_the_report_says_so():
    recommendation = RecommendationFactory(status=RecommendationStatus.ACCEPTED, text="Not published yet.")

    text = text_of(donor_report.render_pdf(donor_report.gather(recommendation.event, "en")), "pdf")

    assert "The outcome document has not been published yet" in text
    assert "Not published yet." not in text
    assert "The event had no evaluation form." in text


def test_the_evaluation_gives_counts_without_free_text_or_names():
    evaluation = evaluation_after_the_event()
    people = six_answers(evaluation)

    report = donor_report.gather(evaluation.event, "en")
    text = text_of(donor_report.render_docx(report), "docx")

    assert "People who answered the evaluation form: 6." in text
    assert "Nobody listened to the men." not in text
    for person in people:
        assert person.full_name not in text
    rating = next(question for question in report.evaluation.questions if question.average is not None)
    # Five 5s and one 1: the 1 is hidden, and the 5s with it, which would give it away.
    assert [figure.count for figure in rating.figures] == [None, 0, 0, 0, None]


def test_an_evaluation_answered_by_fewer_than_five_shows_no_result():
    evaluation = evaluation_after_the_event()
    answered_by(evaluation, [({}, {})] * 4)

    text = text_of(donor_report.render_docx(donor_report.gather(evaluation.event, "en")), "docx")

    assert "Fewer than 5 people answered the evaluation form: its results are not shown." in text


def test_organisers_download_it_from_the_events_list_in_the_language_and_format_they_choose(organiser_client, osh):
    selection = {"action": "download_donor_report", "_selected_action": [osh.pk]}
    url = reverse("admin:agenda_event_changelist")

    form = organiser_client.post(url, selection)
    assert form.status_code == 200 and b'name="format"' in form.content

    response = organiser_client.post(url, {**selection, "format": "pdf", "language": "ru", "apply": "1"})
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="osh-dialogue-2021-donor-report-ru.pdf"' in response["Content-Disposition"]
    assert "Из них пришли без регистрации" in text_of(response.content, "pdf")


def test_staff_without_a_role_cannot_download_it(client, osh):
    client.force_login(UserFactory(is_staff=True))

    response = client.post(
        reverse("admin:agenda_event_changelist"), {"action": "download_donor_report", "_selected_action": [osh.pk]}
    )

    assert response.get("Content-Type", "").startswith("text/html")
