"""Lets a participant's page show how her event's recommendations are followed up, without its view knowing about it."""

from django import template
from django.utils.translation import get_language

from recommendations import follow_up

register = template.Library()


@register.simple_tag
def follow_up_summary(event):
    """The event's follow-up tracker in the current language, or None until its final outcome is published."""
    if not follow_up.published_events([event]):
        return None
    return follow_up.gather([event], get_language())
