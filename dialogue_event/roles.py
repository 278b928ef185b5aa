"""Who may do what: the one home of the application's roles and rules.

Every question of the kind "may this user...?" is answered here, by
django-rules predicates (as pretalx does), and asked everywhere else through
`user.has_perm(...)`: views, the admin, templates (`{% load rules %}`), tasks.

The roles are groups, so an administrator gives a person a role by adding
her to a group:

- **Organisers** run events in the Django admin: the model permissions of
  every app in `ORGANISER_APPS` (granted after each migrate, so a model added
  in a later release reaches them without anybody editing groups), and every
  rule below.
- **Facilitators** never enter the admin: their pages list their own sessions,
  the people expected in them as the privacy policy shows them
  (`participants.privacy`), and the reports they write.
- **Door staff** check people in at the entrance and see nothing else.

Staff status alone is no role: a staff account outside these groups can log in
to the admin and sees nothing of people. Superusers may do everything.
"""

import rules
from django.contrib.auth.models import Group, Permission

ORGANISERS = "Organisers"
FACILITATORS = "Facilitators"
DOOR_STAFF = "Door staff"
ROLE_GROUPS = (ORGANISERS, FACILITATORS, DOOR_STAFF)

# The apps whose data organisers manage in the admin.
ORGANISER_APPS = ("agenda", "participants", "recommendations", "messaging", "evaluations")


is_superuser = rules.is_active & rules.is_superuser
is_organiser = (rules.is_active & rules.is_staff & rules.is_group_member(ORGANISERS)) | is_superuser
is_facilitator = rules.is_active & rules.is_group_member(FACILITATORS)
is_door_staff = rules.is_active & rules.is_group_member(DOOR_STAFF)

# Everything an organiser does with people beyond the model permissions:
# personal links, exports of a person's data, erasure, messages to groups.
rules.add_perm("participants.manage_people", is_organiser)
# Checking people in at the door (the door page, the check-in action).
rules.add_perm("participants.check_in", is_organiser | is_door_staff)
# The participation report (every count, small cells included).
rules.add_perm("participants.view_report", is_organiser)
# The facilitators' pages: their own sessions, or, for organisers, every session.
rules.add_perm("agenda.view_facilitator_pages", is_organiser | is_facilitator)
rules.add_perm("agenda.view_every_session", is_organiser)
# Reviewing recommendations and publishing the outcome.
rules.add_perm("recommendations.review", is_organiser)


def ensure_role_groups(app_labels=ORGANISER_APPS):
    """Create the role groups and give organisers the model permissions of their apps.

    Facilitators and door staff get no model permission: they never work in the admin.
    """
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    organisers = Group.objects.get(name=ORGANISERS)
    organisers.permissions.add(*Permission.objects.filter(content_type__app_label__in=app_labels))
    return organisers


def grant_permissions_after_migrate(sender, using, **kwargs):
    if sender.label in ORGANISER_APPS:
        ensure_role_groups(app_labels=[sender.label])
