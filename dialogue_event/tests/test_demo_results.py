"""The Osh demo after its sessions: reports, recommendations under review, and an outcome document that reads."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from docx import Document
from pypdf import PdfReader

from agenda.models import Event
from recommendations import outcome
from recommendations.models import Recommendation, RecommendationStatus, SessionReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def osh():
    call_command("load_demo", stdout=io.StringIO())
    return Event.objects.get(slug="osh-dialogue-2021")


def test_demo_sessions_have_reports_and_recommendations_at_every_stage_of_review(osh):
    recommendations = Recommendation.objects.for_event(osh)
    statuses = Counter(recommendations.values_list("status", flat=True))

    assert 8 <= recommendations.count() <= 12
    assert statuses[RecommendationStatus.ACCEPTED] >= 6
    assert statuses[RecommendationStatus.MERGED] == statuses[RecommendationStatus.NOT_RETAINED] == 1
    assert recommendations.get(status=RecommendationStatus.NOT_RETAINED).not_retained_reason
    assert recommendations.get(status=RecommendationStatus.MERGED).merged_into.status == RecommendationStatus.ACCEPTED
    assert set(recommendations.values_list("session__track__order", flat=True)) == {1, 2, 3}
    assert len(set(recommendations.values_list("framework_area", flat=True))) >= 3
    assert recommendations.filter(addressees__isnull=False).distinct().count() == recommendations.count()
    assert SessionReport.objects.filter(session__event=osh).count() >= 6


def test_demo_results_are_added_once(osh):
    before = (Recommendation.objects.count(), SessionReport.objects.count())

    call_command("load_demo", stdout=io.StringIO())

    assert (Recommendation.objects.count(), SessionReport.objects.count()) == before


@pytest.mark.parametrize("language", ["en", "ru"])
def test_osh_outcome_document_holds_every_accepted_recommendation_in_pdf_and_docx(osh, language):
    content = outcome.gather(osh, language)
    # A line may break after a hyphen ("женщин-\nдепутатов"): joined again, as a reader reads it.
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(outcome.render_pdf(content))).pages)
    pdf = pdf.replace("-\n", "-")
    document = Document(io.BytesIO(outcome.render_docx(content)))
    docx = " ".join(
        [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )

    for recommendation in Recommendation.objects.for_event(osh):
        text = " ".join(recommendation.text_in(language).split())
        for rendered in (pdf, docx):
            assert (text in " ".join(rendered.split())) == (recommendation.status == RecommendationStatus.ACCEPTED)
