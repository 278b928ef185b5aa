"""The results of an evaluation: every answer counted, overall and by sex, age band and category, never by name.

`gather` reads the figures once, as plain data; the admin's page and the XLSX
file only lay that data out (as participants/report.py and
recommendations/outcome.py do), so they never disagree.

Answers carry no name (see models.Response), and the figures are protected
from being traced back to somebody: nothing is shown until SMALL_CELL people
have answered; in the breakdowns a group of fewer than SMALL_CELL people shows
no figure, and a count under SMALL_CELL is hidden
(participants.privacy.publishable_counts). Free-text answers are listed
without any person and in alphabetical order, never in the breakdowns.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import tablib
from django.utils import translation
from django.utils.translation import gettext as _

from participants import report as participation_report
from participants.privacy import SMALL_CELL, count_or_hidden, publishable_count, publishable_counts
from participants.resources import XLSX

from .models import RATING_SCALE, Answer, QuestionKind

# The breakdowns an evaluation is read by: the participation report's own labels and orders.
BREAKDOWNS = ("sex", "age", "category")


@dataclass
class QuestionResult:
    text: str
    kind: str
    answered: int  # How many people answered this question.
    labels: list  # The ratings 1 to 5, or the choices; empty for free text.
    counts: list  # How many people gave each.
    average: float = None  # Ratings only.
    texts: list = field(default_factory=list)  # Free text only.

    @property
    def rows(self):
        return list(zip(self.labels, self.counts))


@dataclass
class GroupRow:
    label: str
    people: int  # None: fewer than SMALL_CELL people, and then every figure of the row is hidden.
    counts: list  # None for a hidden count.
    average: float = None

    @property
    def people_text(self):
        return count_or_hidden(self.people)

    @property
    def counts_text(self):
        return [count_or_hidden(count) for count in self.counts]


@dataclass
class QuestionBreakdown:
    text: str
    labels: list
    rows: list
    has_average: bool


@dataclass
class Breakdown:
    key: str
    title: str
    questions: list


@dataclass
class Results:
    event_title: str
    language: str
    responses: int
    shown: bool  # False while fewer than SMALL_CELL people have answered: nothing else is shown.
    questions: list
    breakdowns: list
    small_cell: int = SMALL_CELL


def gather(evaluation, language):
    """Every figure of the form's results, read once, in one language."""
    with translation.override(language):
        questions = list(evaluation.questions.prefetch_related("choices"))
        responses = list(evaluation.responses.select_related("category").order_by())
        answers = defaultdict(dict)  # response id -> question id -> Answer
        for answer in Answer.objects.filter(response__form=evaluation).prefetch_related("choices").order_by():
            answers[answer.response_id][answer.question_id] = answer
        shown = len(responses) >= SMALL_CELL
        return Results(
            event_title=evaluation.event.title,
            language=language,
            responses=len(responses),
            shown=shown,
            questions=[_question_result(q, [answers[r.pk].get(q.pk) for r in responses]) for q in questions]
            if shown
            else [],
            breakdowns=_breakdowns(questions, responses, answers) if shown else [],
        )


def _labels(question):
    if question.kind == QuestionKind.RATING:
        return [str(value) for value in RATING_SCALE]
    return [choice.text for choice in question.choices.all()]


def _given(question, answer):
    """The labels one answer counts for: its rating, or its choices."""
    if answer is None:
        return []
    if question.kind == QuestionKind.RATING:
        return [str(answer.rating)] if answer.rating else []
    return [choice.text for choice in answer.choices.all()]


def _average(question, answers):
    ratings = [answer.rating for answer in answers if answer is not None and answer.rating]
    return round(sum(ratings) / len(ratings), 1) if ratings else None


def _question_result(question, answers):
    if question.kind == QuestionKind.TEXT:
        texts = sorted((answer.text for answer in answers if answer is not None and answer.text), key=str.casefold)
        return QuestionResult(question.text, question.kind, len(texts), [], [], texts=texts)
    labels = _labels(question)
    given = [_given(question, answer) for answer in answers]
    counts = Counter(label for labels_given in given for label in labels_given)
    return QuestionResult(
        question.text,
        question.kind,
        answered=sum(bool(labels_given) for labels_given in given),
        labels=labels,
        counts=[counts[label] for label in labels],
        average=_average(question, answers) if question.kind == QuestionKind.RATING else None,
    )


def _breakdowns(questions, responses, answers):
    dimensions = {key: (title, label, order) for key, title, label, order in participation_report.dimensions()}
    breakdowns = []
    for key in BREAKDOWNS:
        title, label, order = dimensions[key]
        groups = defaultdict(list)
        for response in responses:
            groups[label(response)].append(response)
        group_labels = sorted(groups, key=order)
        breakdowns.append(
            Breakdown(
                key,
                title,
                [
                    QuestionBreakdown(
                        question.text,
                        _labels(question),
                        [_group_row(question, name, groups[name], answers) for name in group_labels],
                        has_average=question.kind == QuestionKind.RATING,
                    )
                    for question in questions
                    if question.kind != QuestionKind.TEXT
                ],
            )
        )
    return breakdowns


def _group_row(question, name, responses, answers):
    labels = _labels(question)
    if publishable_count(len(responses)) is None:
        return GroupRow(name, None, [None] * len(labels))
    given = [answers[response.pk].get(question.pk) for response in responses]
    counts = Counter(label for answer in given for label in _given(question, answer))
    figures = [counts[label] for label in labels]
    # With one choice per person, a hidden count could be worked out from the group's total and the
    # others (publishable_counts hides a second one); ticks of several choices add up to no total.
    if question.kind == QuestionKind.MULTIPLE:
        shown = [publishable_count(count) for count in figures]
    else:
        shown = publishable_counts(figures)
    rated = [answer for answer in given if answer is not None and answer.rating]
    average = _average(question, rated) if question.kind == QuestionKind.RATING and len(rated) >= SMALL_CELL else None
    return GroupRow(name, len(responses), shown, average)


def not_enough_answers():
    return _("The results show once %(count)s people have answered.") % {"count": SMALL_CELL}


def render_xlsx(results):
    """The results as one sheet, a figure a row (question, breakdown, group, people, answer, number), to filter and pivot."""
    with translation.override(results.language):
        dataset = tablib.Dataset(
            headers=[_("Question"), _("Breakdown"), _("Group"), _("People"), _("Answer"), _("Number")],
            title=_("Evaluation")[:31],
        )
        everybody = _("Everybody")
        if not results.shown:
            dataset.append(["", "", "", count_or_hidden(None), not_enough_answers(), ""])
        for question in results.questions:
            for text in question.texts:
                dataset.append([question.text, everybody, "", "", text, ""])
            for label, count in zip(question.labels, question.counts):
                dataset.append([question.text, everybody, "", question.answered, label, count])
            if question.average is not None:
                dataset.append([question.text, everybody, "", question.answered, _("Average"), question.average])
        for breakdown in results.breakdowns:
            for question in breakdown.questions:
                for row in question.rows:
                    people = count_or_hidden(row.people)
                    for label, count in zip(question.labels, row.counts):
                        dataset.append([question.text, breakdown.title, row.label, people, label, count_or_hidden(count)])
                    if question.has_average:
                        average = row.average if row.average is not None else count_or_hidden(None)
                        dataset.append([question.text, breakdown.title, row.label, people, _("Average"), average])
    return XLSX().export_data(dataset)
