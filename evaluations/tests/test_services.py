import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from evaluations import services
from evaluations.models import Question, QuestionKind, Respondent, Response
from messaging.models import Message, MessageKind
from participants.models import Status
from participants.services import erase_personal_data
from participants.tests.factories import ParticipantFactory

from .factories import attended, evaluation_after_the_event

pytestmark = pytest.mark.django_db


def answers_of(evaluation, rating=4, choice=0, text="Invite the women of Leilek."):
    """An answer to each default question: a rating, the n-th choice of each choice question, and a text."""
    values = {}
    for question in evaluation.questions.all():
        choices = list(question.choices.all())
        values[question] = {
            QuestionKind.RATING: rating,
            QuestionKind.SINGLE: choices[choice] if choices else None,
            QuestionKind.MULTIPLE: choices[: choice + 1],
            QuestionKind.TEXT: text,
        }[question.kind]
    return values


def test_default_form_asks_the_five_questions_in_three_languages():
    evaluation = evaluation_after_the_event()

    questions = list(evaluation.questions.all())

    assert [q.kind for q in questions] == ["rating", "single", "multiple", "text", "single"]
    assert all(q.text_en and q.text_ru and q.text_ky for q in questions)
    assert "1325" in questions[1].text_ky
    with translation.override("ky"):
        assert Question.objects.get(pk=questions[4].pk).text == "Мындай диалогго дагы катышмаксызбы?"
    assert [c.text_ru for c in questions[4].choices.all()] == ["Да", "Возможно", "Нет"]
    assert evaluation.closes_at > evaluation.event.ends_at


def test_an_event_has_one_evaluation_form():
    evaluation = evaluation_after_the_event()

    with pytest.raises(ValidationError):
        services.add_evaluation_form(evaluation.event)


def test_attended_person_answers_once_and_her_answers_keep_no_link_to_her():
    evaluation = evaluation_after_the_event()
    person = attended(evaluation, gender="woman", age_band="30_44")

    response = services.submit_answers(evaluation, person, answers_of(evaluation), language="ky")

    assert Respondent.objects.filter(form=evaluation, participant=person).exists()
    assert {f.name for f in Response._meta.get_fields()}.isdisjoint({"participant", "respondent"})
    assert (response.gender, response.age_band, response.category) == ("woman", "30_44", person.category)
    assert response.submitted_on == timezone.localdate()
    assert response.answers.count() == 5
    with pytest.raises(services.AlreadyAnswered):
        services.submit_answers(evaluation, person, answers_of(evaluation), language="ky")
    assert Response.objects.count() == 1


def test_late_answer_is_refused():
    evaluation = evaluation_after_the_event()
    person = attended(evaluation)

    with pytest.raises(ValidationError, match="closed"):
        services.submit_answers(
            evaluation, person, answers_of(evaluation), language="en",
            now=evaluation.closes_at + datetime.timedelta(minutes=1),
        )  # fmt: skip
    assert not Response.objects.exists() and not Respondent.objects.exists()


def test_only_people_who_came_answer():
    evaluation = evaluation_after_the_event()
    registered = ParticipantFactory(event=evaluation.event, status=Status.REGISTERED)

    with pytest.raises(PermissionDenied):
        services.submit_answers(evaluation, registered, answers_of(evaluation), language="en")


def test_evaluation_is_sent_once_to_each_person_who_came_and_has_not_answered():
    evaluation = evaluation_after_the_event()
    came, answered = attended(evaluation), attended(evaluation)
    ParticipantFactory(event=evaluation.event, status=Status.REGISTERED)  # did not come
    services.submit_answers(evaluation, answered, answers_of(evaluation), language="en")

    sent = services.send_evaluation(evaluation)
    again = services.send_evaluation(evaluation)

    assert [message.participant for message in sent] == [came]
    assert again == []
    message = Message.objects.get(kind=MessageKind.EVALUATION)
    assert "/en/events/%s/me/evaluation/" % evaluation.event.slug in message.body_text
    assert came.access_token in message.body_text
    assert str(evaluation.closes_at.year) in message.body_text


def test_closed_evaluation_is_not_sent():
    evaluation = evaluation_after_the_event()
    attended(evaluation)
    evaluation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    evaluation.opens_at = evaluation.closes_at - datetime.timedelta(days=1)
    evaluation.save()

    with pytest.raises(ValidationError):
        services.send_evaluation(evaluation)
    assert not Message.objects.exists()


def test_erasure_keeps_her_answers_but_not_that_they_were_hers():
    evaluation = evaluation_after_the_event()
    person = attended(evaluation, gender="woman")
    services.submit_answers(evaluation, person, answers_of(evaluation), language="en")

    erase_personal_data(person)

    assert not Respondent.objects.exists()
    assert Response.objects.get().gender == "woman"
    assert Response.objects.get().answers.count() == 5
