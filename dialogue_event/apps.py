from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DialogueEventConfig(AppConfig):
    name = "dialogue_event"
    verbose_name = _("Dialogue event")

    def ready(self):
        # Importing the roles registers their rules with django-rules.
        from .roles import grant_permissions_after_migrate

        # Connected after django.contrib.auth's own handler, which creates an
        # app's permissions before this one grants them.
        post_migrate.connect(grant_permissions_after_migrate, dispatch_uid="dialogue_event.roles")
