import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from evaluations.models import Respondent, Response
from participants.models import Status
from participants.tests.factories import ParticipantFactory

from .factories import attended, evaluation_after_the_event

pytestmark = pytest.mark.django_db


def page_of(evaluation, language="en"):
    with translation.override(language):
        return reverse("evaluations:participant_evaluation", kwargs={"slug": evaluation.event.slug})


def open_link(client, participant):
    client.get(participant.get_personal_url())


def filled_in(evaluation):
    usefulness, knowledge, useful_parts, differently, again = evaluation.questions.all()
    return {
        f"q{usefulness.pk}": "5",
        f"q{knowledge.pk}": str(knowledge.choices.first().pk),
        f"q{useful_parts.pk}": [str(choice.pk) for choice in useful_parts.choices.all()[:2]],
        f"q{differently.pk}": "Speak at the council.",
        f"q{again.pk}": str(again.choices.first().pk),
    }


def test_attended_person_answers_through_her_personal_link_once(client):
    evaluation = evaluation_after_the_event()
    person = attended(evaluation)
    open_link(client, person)

    form_page = client.get(page_of(evaluation, "ky"))
    sent = client.post(page_of(evaluation, "ky"), filled_in(evaluation), follow=True)
    second_try = client.post(page_of(evaluation, "ky"), filled_in(evaluation))

    assert form_page.status_code == 200
    assert "Диалог сиз үчүн канчалык пайдалуу болду?" in form_page.content.decode()
    assert form_page["Cache-Control"] == "private, no-store"
    assert sent.status_code == 200 and 'data-evaluation-state="answered"' in sent.content.decode()
    assert second_try.status_code == 403 and 'data-evaluation-state="answered"' in second_try.content.decode()
    assert Response.objects.get().language == "ky"
    assert Respondent.objects.get().participant == person


def test_required_questions_must_be_answered(client):
    evaluation = evaluation_after_the_event()
    open_link(client, attended(evaluation))
    answers = filled_in(evaluation)
    del answers[f"q{evaluation.questions.first().pk}"]

    response = client.post(page_of(evaluation), answers)

    assert response.status_code == 400
    assert not Response.objects.exists()


def test_late_answer_is_refused_kindly(client):
    evaluation = evaluation_after_the_event()
    open_link(client, attended(evaluation))
    answers = filled_in(evaluation)
    evaluation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    evaluation.save()

    response = client.post(page_of(evaluation), answers)

    assert response.status_code == 403
    assert "no longer takes answers. Thank you all the same" in response.content.decode()
    assert not Response.objects.exists()


def test_people_who_did_not_come_are_not_asked(client):
    evaluation = evaluation_after_the_event()
    open_link(client, ParticipantFactory(event=evaluation.event, status=Status.REGISTERED))

    response = client.get(page_of(evaluation))

    assert response.status_code == 403
    assert "for the people who took part" in response.content.decode()


def test_page_without_her_personal_link_asks_for_it(client):
    evaluation = evaluation_after_the_event()

    response = client.get(page_of(evaluation))

    assert response.status_code == 403
    assert "Please open your personal link again" in response.content.decode()


def test_link_on_her_own_page_invites_then_thanks(client):
    evaluation = evaluation_after_the_event()
    person = attended(evaluation)
    registered = ParticipantFactory(event=evaluation.event, status=Status.REGISTERED)

    def link(participant):
        return render_to_string("evaluations/includes/evaluation_link.html", {"participant": participant})

    assert page_of(evaluation) in link(person)
    assert link(registered).strip() == ""
    Respondent.objects.create(form=evaluation, participant=person)
    assert "Thank you for answering" in link(person)
