"""The two groups of users the application knows, kept in step with the models.

Organisers work in the Django admin and may manage everything of the event
apps; facilitators never enter the admin and work on their own pages, so their
group carries no model permission. Each app's permissions are granted when
Django creates them (post_migrate), so a new model in a later release reaches
the organisers without anybody editing groups by hand.
"""

from django.contrib.auth.models import Group, Permission

ORGANISERS = "Organisers"
FACILITATORS = "Facilitators"

# The apps whose data organisers manage.
ORGANISER_APPS = ("agenda", "participants", "recommendations")


def ensure_role_groups(app_labels=ORGANISER_APPS):
    organisers, _ = Group.objects.get_or_create(name=ORGANISERS)
    Group.objects.get_or_create(name=FACILITATORS)
    organisers.permissions.add(*Permission.objects.filter(content_type__app_label__in=app_labels))
    return organisers


def grant_permissions_after_migrate(sender, using, **kwargs):
    if sender.label in ORGANISER_APPS:
        ensure_role_groups(app_labels=[sender.label])
