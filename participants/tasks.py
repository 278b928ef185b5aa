from celery import shared_task

from . import services


@shared_task
def erase_after_retention():
    return services.erase_after_retention()
