"""Rendering and sending the emails a participant is owed, in their language."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import EmailKind

SUBJECTS = {
    EmailKind.INVITATION: _("Invitation: %(event)s"),
    EmailKind.CONFIRMATION: _("You are registered: %(event)s"),
    EmailKind.WAITLISTED: _("You are on the waiting list: %(event)s"),
    EmailKind.PROMOTED: _("A seat is free for you: %(event)s"),
    EmailKind.CANCELLED: _("Your registration is cancelled: %(event)s"),
    EmailKind.ALREADY_REGISTERED: _("About your registration: %(event)s"),
}


def personal_link(participant):
    return settings.SITE_URL + participant.get_personal_url()


def render(email):
    """Subject and plain-text body of an owed email, in the recipient's language."""
    participant = email.participant
    with translation.override(participant.site_language):
        # A title pasted with a line break must not become a second header line.
        subject = " ".join(str(SUBJECTS[email.kind] % {"event": participant.event.title}).split())
        body = render_to_string(
            f"participants/email/{email.kind}.txt",
            {"participant": participant, "event": participant.event, "personal_link": personal_link(participant)},
        )
    return subject, body


def send(email):
    subject, body = render(email)
    EmailMessage(subject, body, to=[email.participant.email]).send()
    email.sent_at = timezone.now()
    email.save(update_fields=["sent_at"])
