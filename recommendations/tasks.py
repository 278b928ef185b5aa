from celery import shared_task

from . import services


@shared_task
def generate_outcome_document(document_id):
    """Draw one requested outcome document (PDF, DOCX, CSV or XLSX) and keep it for the organisers."""
    services.generate_outcome_document(document_id)


@shared_task
def send_draft_reminders():
    return services.send_draft_reminders()


@shared_task
def send_follow_up_reminders():
    """Remind the organisers of each recommendation whose half-yearly follow-up update is due, once per due date."""
    services.send_follow_up_reminders()
