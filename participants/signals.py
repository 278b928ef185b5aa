from django.db.models.signals import post_save
from django.dispatch import receiver

from agenda.models import Event

from .services import create_default_categories


@receiver(post_save, sender=Event, dispatch_uid="participants.default_categories")
def give_new_event_default_categories(sender, instance, created, raw=False, **kwargs):
    # Not while loading fixtures (raw): their categories come with them.
    if created and not raw:
        create_default_categories(instance)
