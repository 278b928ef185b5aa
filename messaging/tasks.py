from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS)
def send_message(self, message_id):
    """Deliver one outbox row; a temporary failure is tried again with a growing pause."""
    try:
        services.deliver(message_id)
    except services.TransientDeliveryError as error:
        # At most ten minutes, well under the broker's visibility timeout
        # (an hour), so a waiting retry is never handed to a second worker.
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 600)) from error


@shared_task
def sweep_outbox():
    return services.sweep()


@shared_task
def send_due_reminders():
    return services.send_due_reminders()
