import io

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from agenda.tests.factories import (
    DoorStaffFactory,
    EventFactory,
    FacilitatorFactory,
    TrackFactory,
    UserFactory,
)
from participants import report
from participants.models import AgeBand, Gender, Source, Status
from participants.tests.factories import (
    CategoryFactory,
    DistrictFactory,
    ParticipantFactory,
    RegionFactory,
)
from recommendations import outcome
from recommendations.tests.test_outcome import docx_text, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_event():
    """Seven people: three came, one registered and stayed away, one never answered, one declined, one waits."""
    event = EventFactory(slug="osh-dialogue")
    activists = CategoryFactory(event=event, name="Border activists")
    deputies = CategoryFactory(event=event, name="Village deputies")
    leilek = DistrictFactory(name="Leilek district", region=RegionFactory(name="Batken region"))
    osh = DistrictFactory(name="Osh city", region=RegionFactory(name="Osh city"))
    first, second = TrackFactory(event=event, title="Border water"), TrackFactory(event=event, title="Local councils")
    for status, source, gender, age, category, district, track in [
        (Status.ATTENDED, Source.INVITATION, Gender.WOMAN, AgeBand.FROM_18, activists, leilek, first),
        (Status.ATTENDED, Source.INVITATION, Gender.WOMAN, AgeBand.FROM_30, activists, leilek, first),
        (Status.ATTENDED, Source.PUBLIC_FORM, Gender.WOMAN, AgeBand.FROM_30, deputies, osh, second),
        (Status.REGISTERED, Source.INVITATION, Gender.MAN, AgeBand.FROM_45, deputies, osh, second),
        (Status.INVITED, Source.INVITATION, Gender.WOMAN, "", activists, None, None),
        (Status.DECLINED, Source.INVITATION, Gender.MAN, AgeBand.FROM_60, deputies, leilek, None),
        (Status.WAITLISTED, Source.PUBLIC_FORM, Gender.WOMAN, AgeBand.FROM_18, activists, osh, None),
    ]:
        ParticipantFactory(
            event=event, status=status, source=source, gender=gender, age_band=age,
            category=category, district=district, track=track,
        )  # fmt: skip
    return event


EXPECTED = {
    "sex": [("Woman", 3, 3, 0), ("Man", 1, 0, 0)],
    "age": [("18–29", 1, 1, 0), ("30–44", 2, 2, 0), ("45–59", 1, 0, 0)],
    "category": [("Border activists", 2, 2, 0), ("Village deputies", 2, 1, 0)],
    "region": [("Batken region", 2, 2, 0), ("Osh city", 2, 1, 0)],
    "district": [("Leilek district (Batken region)", 2, 2, 0), ("Osh city", 2, 1, 0)],
    "track": [("Border water", 2, 2, 0), ("Local councils", 2, 1, 0)],
}


def rows(breakdown):
    return [(row.label, row.registered, row.attended, row.walk_ins) for row in breakdown.rows]


def report_url(event, language="en", name="participants:report"):
    with translation.override(language):
        return reverse(name, args=[event.slug])


def test_the_report_counts_invited_registered_and_attended_by_every_group(small_event):
    figures = report.gather(small_event, "en")

    funnel = figures.funnel
    assert (funnel.invited, funnel.registered, funnel.attended, funnel.walk_ins) == (5, 4, 3, 0)
    assert (funnel.registered_invited, funnel.registered_public, funnel.waitlisted, funnel.declined) == (3, 1, 1, 1)
    assert {breakdown.key: rows(breakdown) for breakdown in figures.breakdowns} == EXPECTED
    cross = figures.sex_by_category
    assert cross.columns == ["Woman"]
    assert cross.rows == [("Border activists", [2], 2), ("Village deputies", [1], 1)]
    assert cross.totals == [3] and cross.total == 3


def test_the_xlsx_has_the_same_figures(small_event, organiser_client):
    response = organiser_client.get(report_url(small_event, name="participants:report_xlsx"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    funnel = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert funnel["Invited"] == 5 and funnel["Registered"] == 4 and funnel["Attended"] == 3
    for sheet, key in zip(workbook.worksheets[1:7], EXPECTED):
        assert [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)] == EXPECTED[key]
    cross = [tuple(row) for row in workbook.worksheets[7].iter_rows(values_only=True)]
    assert cross == [(None, "Woman", "Total"), ("Border activists", 2, 2), ("Village deputies", 1, 1), ("Total", 3, 3)]


def test_the_page_renders_in_kyrgyz_with_charts_and_prints_on_a4(small_event, organiser_client):
    response = organiser_client.get(report_url(small_event, "ky"))

    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("ky"):
        woman, deputies_row = gettext("Woman"), "Village deputies"
    assert '<html lang="ky">' in page and woman in page and deputies_row in page
    assert page.count('<svg class="bar"') == sum(len(rows) for rows in EXPECTED.values())
    assert "participation-report.css" in page and "data-print-button" in page
    with open(finders.find("css/participation-report.css")) as stylesheet:
        css = stylesheet.read()
    assert "size: A4" in css and "@media print" in css


@pytest.mark.parametrize("user_factory", [FacilitatorFactory, DoorStaffFactory, None])
def test_only_organisers_see_the_report(small_event, client, user_factory):
    for name in ("participants:report", "participants:report_xlsx"):
        url = report_url(small_event, name=name)
        assert client.get(url).status_code == 302  # anonymous: to the admin's login
        if user_factory:
            client.force_login(user_factory())
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        else:
            client.force_login(UserFactory(is_staff=True))  # staff without a role
            assert client.get(url).status_code == 403
        client.logout()


def test_the_outcome_document_hides_groups_of_fewer_than_five(small_event):
    # Seven women and two men: the two men are hidden, and so are the women, or 9 - 7 would give them away.
    activists = small_event.categories.get(name="Border activists")
    ParticipantFactory.create_batch(
        4, event=small_event, status=Status.ATTENDED, gender=Gender.WOMAN, category=activists
    )
    ParticipantFactory.create_batch(2, event=small_event, status=Status.ATTENDED, gender=Gender.MAN, category=activists)
    assert report.gather(small_event, "en").funnel.attended == 9

    content = outcome.gather(small_event, "en")

    participation = content.participation
    assert participation.total == 9
    assert [(f.label, f.count) for f in participation.by_gender] == [("Woman", None), ("Man", None)]
    assert {f.label: f.count for f in participation.by_category} == {"Border activists": None, "Village deputies": None}
    by_district = {f.label: f.count for f in participation.by_district}
    assert by_district == {"Leilek district (Batken region)": None, "Osh city": None, "Not given": 6}
    for data in (outcome.render_pdf(content), outcome.render_docx(content)):
        text = pdf_text(data) if data.startswith(b"%PDF") else docx_text(data)
        assert "9 people took part" in text
        assert "Woman not shown" in text and "Man not shown" in text and "Not given 6" in text


def test_the_event_admin_page_links_to_the_report(small_event, organiser_client):
    page = organiser_client.get(reverse("admin:agenda_event_change", args=[small_event.pk])).content.decode()

    assert f'href="{report_url(small_event)}"' in page


def test_an_event_without_people_has_an_empty_report_and_an_unknown_event_is_not_found(organiser_client):
    event = EventFactory(slug="empty")

    assert organiser_client.get(report_url(event)).status_code == 200
    assert organiser_client.get(report_url(event, name="participants:report_xlsx")).status_code == 200
    with translation.override("en"):
        assert organiser_client.get(reverse("participants:report", args=["no-such-event"])).status_code == 404
