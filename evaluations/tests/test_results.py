import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agenda.tests.factories import UserFactory
from evaluations import results, services
from evaluations.models import Respondent

from .factories import attended, evaluation_after_the_event
from .test_services import answers_of

pytestmark = pytest.mark.django_db


def answered_by(evaluation, people):
    """Each (fields, answer options) answers the form; returns the people."""
    answered = []
    for fields, options in people:
        person = attended(evaluation, **fields)
        services.submit_answers(evaluation, person, answers_of(evaluation, **options), language="en")
        answered.append(person)
    return answered


def six_answers(evaluation):
    women = [
        ({"gender": "woman", "age_band": "30_44", "full_name": f"Aigul Woman {n}"}, {"rating": 5}) for n in range(5)
    ]
    man = ({"gender": "man", "age_band": "18_29", "full_name": "Bakyt At Risk", "at_risk": True},
           {"rating": 1, "choice": 2, "text": "Nobody listened to the men."})  # fmt: skip
    return answered_by(evaluation, [*women, man])


def test_nothing_is_shown_before_five_people_answered():
    evaluation = evaluation_after_the_event()
    answered_by(evaluation, [({}, {})] * 4)

    gathered = results.gather(evaluation, "en")

    assert gathered.responses == 4 and not gathered.shown
    assert gathered.questions == [] and gathered.breakdowns == []


def test_results_count_everybody_and_hide_small_groups():
    evaluation = evaluation_after_the_event()
    six_answers(evaluation)

    gathered = results.gather(evaluation, "en")

    usefulness = gathered.questions[0]
    assert usefulness.counts == [1, 0, 0, 0, 5] and usefulness.average == 4.3
    assert gathered.questions[3].texts == ["Invite the women of Leilek."] * 5 + ["Nobody listened to the men."]
    by_sex = {b.key: b for b in gathered.breakdowns}["sex"]
    rows = {row.label: row for row in by_sex.questions[0].rows}
    assert rows["Woman"].people == 5 and rows["Woman"].counts == [0, 0, 0, 0, 5] and rows["Woman"].average == 5
    assert rows["Man"].people is None and rows["Man"].counts == [None] * 5 and rows["Man"].average is None
    assert [b.key for b in gathered.breakdowns] == ["sex", "age", "category"]
    assert all(q.labels for b in gathered.breakdowns for q in b.questions)  # no free text in breakdowns


def test_organiser_sees_the_results_in_the_admin_without_any_name(organiser_client):
    evaluation = evaluation_after_the_event()
    people = six_answers(evaluation)

    page = organiser_client.get(reverse("admin:evaluations_evaluationform_results", args=[evaluation.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "6 people have answered." in text
    assert "Nobody listened to the men." in text and "fewer than 5" in text
    assert not any(person.full_name in text for person in people)


def test_organiser_downloads_the_results_as_xlsx(organiser_client):
    evaluation = evaluation_after_the_event()
    people = six_answers(evaluation)

    download = organiser_client.get(reverse("admin:evaluations_evaluationform_results_xlsx", args=[evaluation.pk]))

    assert download["Content-Disposition"].endswith(f'"{evaluation.event.slug}-evaluation-en.xlsx"')
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Question", "Breakdown", "Group", "People", "Answer", "Number"]
    # The project's XLSX writer keeps every cell as text.
    assert [evaluation.questions.first().text, "By sex", "Woman", "5", "5", "5"] in rows
    assert [evaluation.questions.first().text, "By sex", "Man", "not shown", "1", "not shown"] in rows
    cells = {str(value) for row in rows for value in row}
    assert not any(person.full_name in cells for person in people)


def test_staff_without_a_role_cannot_see_results(client):
    evaluation = evaluation_after_the_event()
    client.force_login(UserFactory(is_staff=True))

    page = client.get(reverse("admin:evaluations_evaluationform_results", args=[evaluation.pk]))

    assert page.status_code == 403


def test_organiser_adds_the_form_then_sends_it(organiser_client):
    evaluation = evaluation_after_the_event()
    event = evaluation.event
    evaluation.delete()
    person = attended(evaluation)

    added = organiser_client.post(
        reverse("admin:evaluations_evaluationform_add"), {"event": event.pk}, follow=True
    )
    form = event.__class__.objects.get(pk=event.pk).evaluation_form
    sent = organiser_client.post(
        reverse("admin:evaluations_evaluationform_changelist"),
        {"action": "send_selected", "_selected_action": [form.pk]},
        follow=True,
    )

    assert "The evaluation form is added with the default questions" in added.content.decode()
    assert form.questions.count() == 5
    assert "the evaluation is sent to 1 person." in sent.content.decode()
    assert person.messages.get().kind == "evaluation"
    assert not Respondent.objects.exists()
