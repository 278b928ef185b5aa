"""Lets the agenda's and participants' pages show the outcome's state without their views knowing about it."""

from django import template

from recommendations.models import OutcomePublication

register = template.Library()


@register.simple_tag
def outcome_publication(event):
    return OutcomePublication.objects.filter(event=event).first()
