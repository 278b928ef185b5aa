from django.db.models.signals import post_save
from django.dispatch import receiver

from agenda.models import Event

from .services import create_default_reminders


@receiver(post_save, sender=Event, dispatch_uid="messaging.default_reminders")
def give_new_event_default_reminders(sender, instance, created, raw=False, **kwargs):
    # Not while loading fixtures (raw): their reminders come with them.
    if created and not raw:
        create_default_reminders(instance)
