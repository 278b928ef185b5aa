from celery import shared_task

from . import services


@shared_task
def erase_after_retention():
    return services.erase_after_retention()


@shared_task
def continue_bulk_send(bulk_send_id):
    """Send the parts of a send to many people not done yet; safe to run twice or after a worker died."""
    return services.continue_bulk_send(bulk_send_id)


@shared_task
def resume_stalled_bulk_sends():
    return services.resume_stalled_bulk_sends()
