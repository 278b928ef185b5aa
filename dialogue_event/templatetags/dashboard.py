from django import template

from dialogue_event import dashboard

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def organisers_dashboard(context):
    """The coming events' figures, for those who may see the people; nothing for anyone else."""
    user = context["request"].user
    if not user.has_perm("participants.view_participant"):
        return {"events": []}
    return {"events": dashboard.coming_events()}
