"""The check-in code in a page or a message: `{% checkin_code participant as code %}`."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse

from participants import services

register = template.Library()


@dataclass
class CheckinCode:
    token: str
    for_reading: str
    image_path: str  # for the site's own pages (the Content-Security-Policy allows images from the site)

    @property
    def image_url(self):  # for a message, read away from the site
        return settings.SITE_URL + self.image_path


@register.simple_tag
def checkin_code(participant, message_kind=None):
    """Her check-in code, or None when she has none or, given a message's kind, when that message does not carry it."""
    if message_kind is not None and message_kind not in services.CHECKIN_CODE_MESSAGES:
        return None
    token = services.checkin_code(participant)
    if token is None:
        return None
    return CheckinCode(
        token=token,
        for_reading=services.checkin_code_for_reading(token),
        image_path=reverse("participants:checkin_code_image", kwargs={"code": token}),
    )
