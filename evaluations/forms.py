from django import forms

from participants.validators import validate_no_markup

from .models import RATING_SCALE, QuestionKind


class ChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, choice):
        return choice.text


class MultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, choice):
        return choice.text


def _field(question):
    common = {"label": question.text, "required": question.required}
    if question.kind == QuestionKind.RATING:
        return forms.TypedChoiceField(
            choices=[(value, str(value)) for value in RATING_SCALE],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "rating"}),
            **common,
        )
    if question.kind == QuestionKind.SINGLE:
        return ChoiceField(question.choices.all(), widget=forms.RadioSelect, empty_label=None, **common)
    if question.kind == QuestionKind.MULTIPLE:
        return MultipleChoiceField(question.choices.all(), widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, validators=[validate_no_markup], **common
    )


class EvaluationAnswersForm(forms.Form):
    """One field per question of the form, in its order; `answers()` gives {question: value} for the service."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _field(question)

    def answers(self):
        return {question: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}

