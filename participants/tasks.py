import smtplib

from celery import shared_task
from django.db import transaction

from . import emails
from .models import ParticipantEmail

# Failures worth another try: the server or the network may be back in a
# minute. A refused recipient (5xx) is not among them.
TRANSIENT_SMTP_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)


@shared_task(autoretry_for=TRANSIENT_SMTP_ERRORS, retry_backoff=30, retry_backoff_max=600, max_retries=8)
def send_participant_email(email_id):
    """Send one owed email, once: a second run finds it sent and does nothing."""
    with transaction.atomic():
        email = (
            ParticipantEmail.objects.select_for_update(skip_locked=True)
            .select_related("participant__event")
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:  # already sent, or being sent by another worker right now
            return
        emails.send(email)
