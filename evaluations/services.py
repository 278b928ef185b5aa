"""The evaluation of an event: its form, sending it to the people who came, and their answers, once each."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from messaging.models import MessageKind
from messaging.services import queue_messages

from .models import Answer, Choice, EvaluationForm, Question, QuestionKind, Respondent, Response
from .selectors import may_answer, still_to_answer

# How long after the event its participants may answer, unless the organisers choose otherwise.
DEFAULT_ANSWER_DAYS = 14

# The default set, in the three languages of the site. Stored as the form's
# own texts (not interface strings), so organisers edit them like any event text.
DEFAULT_QUESTIONS = [
    {
        "kind": QuestionKind.RATING,
        "text": {
            "en": "How useful was the dialogue for you? (1: not useful, 5: very useful)",
            "ru": "Насколько полезным для вас был диалог? (1 — бесполезен, 5 — очень полезен)",
            "ky": "Диалог сиз үчүн канчалык пайдалуу болду? (1 — пайдасыз, 5 — абдан пайдалуу)",
        },
    },
    {
        "kind": QuestionKind.SINGLE,
        "text": {
            "en": "What changed in what you know about National Action Plan 1325 and women's role in conflict "
            "response?",
            "ru": "Что изменилось в ваших знаниях о Национальном плане действий по резолюции 1325 и о роли женщин "
            "в реагировании на конфликты?",
            "ky": "1325-резолюция боюнча Улуттук иш-аракет планы жана чыр-чатакка жооп берүүдөгү аялдардын ролу "
            "тууралуу билимиңизде эмне өзгөрдү?",
        },
        "choices": [
            {"en": "I learned a lot that was new to me", "ru": "Я узнала много нового",
             "ky": "Мен көп жаңы нерселерди билдим"},
            {"en": "I learned a few new things", "ru": "Я узнала кое-что новое", "ky": "Бир аз жаңы нерселерди билдим"},
            {"en": "I knew most of it already", "ru": "Почти всё я уже знала", "ky": "Көбүн мурдатан эле билчүмүн"},
            {"en": "Nothing changed", "ru": "Ничего не изменилось", "ky": "Эч нерсе өзгөргөн жок"},
        ],
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "text": {
            "en": "What was most useful to you? (choose all that apply)",
            "ru": "Что было для вас самым полезным? (отметьте всё подходящее)",
            "ky": "Сиз үчүн эмне эң пайдалуу болду? (туура келгендердин баарын белгилеңиз)",
        },
        "choices": [
            {"en": "The presentations", "ru": "Выступления", "ky": "Баяндамалар"},
            {"en": "The discussion in my track", "ru": "Обсуждение в моей секции", "ky": "Менин секциямдагы талкуу"},
            {"en": "Meeting people from other organisations and districts",
             "ru": "Знакомство с людьми из других организаций и районов",
             "ky": "Башка уюмдардан жана райондордон келген адамдар менен таанышуу"},
            {"en": "Writing the recommendations together", "ru": "Совместная работа над рекомендациями",
             "ky": "Сунуштарды чогуу иштеп чыгуу"},
        ],
        "required": False,
    },
    {
        "kind": QuestionKind.TEXT,
        "text": {
            "en": "What will you do differently after the dialogue?",
            "ru": "Что вы будете делать иначе после диалога?",
            "ky": "Диалогдон кийин эмнени башкача кыласыз?",
        },
        "required": False,
    },
    {
        "kind": QuestionKind.SINGLE,
        "text": {
            "en": "Would you take part in a dialogue like this again?",
            "ru": "Приняли бы вы участие в таком диалоге ещё раз?",
            "ky": "Мындай диалогго дагы катышмаксызбы?",
        },
        "choices": [
            {"en": "Yes", "ru": "Да", "ky": "Ооба"},
            {"en": "Maybe", "ru": "Возможно", "ky": "Балким"},
            {"en": "No", "ru": "Нет", "ky": "Жок"},
        ],
    },
]
DEFAULT_INTRO = {
    "en": "Thank you for taking part. Your answers help us prepare the next dialogue. They are anonymous: "
    "nobody sees who gave them.",
    "ru": "Спасибо за участие. Ваши ответы помогут нам подготовить следующий диалог. Они анонимны: "
    "никто не увидит, кто их дал.",
    "ky": "Катышканыңыз үчүн рахмат. Жоопторуңуз кийинки диалогду даярдоого жардам берет. Алар анонимдүү: "
    "ким жооп бергенин эч ким көрбөйт.",
}


def _translated(field, texts):
    return {f"{field}_{language}": text for language, text in texts.items()}


def default_closing(event):
    return event.ends_at + datetime.timedelta(days=DEFAULT_ANSWER_DAYS)


@transaction.atomic
def add_evaluation_form(event, *, opens_at=None, closes_at=None):
    """Attach the default evaluation form (in English, Russian and Kyrgyz) to an event; an event has one at most.

    It opens when the event starts, so people may answer at its end, and
    closes DEFAULT_ANSWER_DAYS after it unless the organisers say otherwise.
    """
    if EvaluationForm.objects.filter(event=event).exists():
        raise ValidationError(_("This event already has an evaluation form."))
    form = EvaluationForm(
        event=event,
        opens_at=opens_at or event.starts_at,
        closes_at=closes_at or default_closing(event),
        **_translated("intro", DEFAULT_INTRO),
    )
    form.full_clean(exclude=["event"])
    form.save()
    for order, data in enumerate(DEFAULT_QUESTIONS, start=1):
        question = Question.objects.create(
            form=form,
            order=order,
            kind=data["kind"],
            required=data.get("required", True),
            **_translated("text", data["text"]),
        )
        Choice.objects.bulk_create(
            Choice(question=question, order=number, **_translated("text", texts))
            for number, texts in enumerate(data.get("choices", []), start=1)
        )
    return form


def send_evaluation(form, *, now=None):
    """Owe each person who came and has not answered a message with her link to the form, once per form.

    Returns the messages written: a second send reaches only people checked in since.
    """
    if not form.is_open(now):
        raise ValidationError(_("The evaluation form is not open: check its dates before sending it."))
    return queue_messages(
        list(still_to_answer(form).select_related("event")),
        MessageKind.EVALUATION,
        key=lambda participant: f"evaluation:{form.pk}:{participant.pk}",
        extra_context={"evaluation": form, "site_url": settings.SITE_URL},
    )


class AlreadyAnswered(PermissionDenied):
    pass


@transaction.atomic
def submit_answers(form, participant, answers, *, language, now=None):
    """Record one person's answers, once, while the form is open; {question: rating, choice(s) or text}.

    Her answers keep no link to her (see Response): only the copies of what
    the results are broken down by.
    """
    now = now or timezone.now()
    if not may_answer(participant):
        raise PermissionDenied(_("The evaluation is for the people who took part in the event."))
    if not form.is_open(now):
        raise ValidationError(
            _("The evaluation closed on %(date)s. Thank you all the same.")
            % {"date": date_format(timezone.localtime(form.closes_at), "DATE_FORMAT")}
        )
    try:
        with transaction.atomic():
            Respondent.objects.create(form=form, participant=participant)
    except IntegrityError:
        raise AlreadyAnswered(_("You have already answered. Thank you!")) from None
    response = Response.objects.create(
        form=form,
        submitted_on=timezone.localdate(now),
        language=language,
        gender=participant.gender,
        age_band=participant.age_band,
        category_id=participant.category_id,
    )
    for question, value in answers.items():
        if value in (None, "", []):
            continue
        answer = Answer(response=response, question=question)
        if question.kind == QuestionKind.RATING:
            answer.rating = int(value)
        elif question.kind == QuestionKind.TEXT:
            answer.text = value
        answer.full_clean(exclude=["response", "question"])
        answer.save()
        if question.kind in QuestionKind.WITH_CHOICES:
            answer.choices.set(value if question.kind == QuestionKind.MULTIPLE else [value])
    return response
