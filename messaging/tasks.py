from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS)
def send_messages(self, message_ids):
    """Deliver outbox rows; those that failed for now (mail server or database) are tried again with a growing pause."""
    later = services.deliver_each(message_ids)
    if later:
        # At most ten minutes, well under the broker's visibility timeout
        # (an hour), so a waiting retry is never handed to a second worker.
        delay = services.retry_delay(self.request.retries + 1)
        raise self.retry(args=(later,), countdown=delay.total_seconds())


@shared_task
def sweep_outbox():
    return services.sweep()


@shared_task
def send_due_reminders():
    return services.send_due_reminders()
