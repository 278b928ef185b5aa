from modeltranslation.translator import TranslationOptions, register

from .models import Choice, EvaluationForm, Question


@register(EvaluationForm)
class EvaluationFormTranslationOptions(TranslationOptions):
    fields = ("intro",)


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Choice)
class ChoiceTranslationOptions(TranslationOptions):
    fields = ("text",)
