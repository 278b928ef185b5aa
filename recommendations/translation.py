from modeltranslation.translator import TranslationOptions, register

from .models import Addressee, FollowUpStatus, Framework, FrameworkArea, TargetGroup


@register(Framework)
class FrameworkTranslationOptions(TranslationOptions):
    fields = ("name", "short_name")


@register(FrameworkArea)
class FrameworkAreaTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Addressee)
class AddresseeTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(TargetGroup)
class TargetGroupTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(FollowUpStatus)
class FollowUpStatusTranslationOptions(TranslationOptions):
    fields = ("name",)
