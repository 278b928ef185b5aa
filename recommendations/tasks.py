from celery import shared_task

from . import services


@shared_task
def generate_outcome_document(document_id):
    """Draw one requested outcome document (PDF, DOCX, CSV or XLSX) and keep it for the organisers."""
    services.generate_outcome_document(document_id)
