from django import template

register = template.Library()


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form):
    """At the top of a form that did not go through, each field's error as a link to that field.

    The summary takes the focus when the page opens (autofocus, no script), so that a screen reader reads it
    first and a phone shows it on its first screen rather than the top of 25 fields. Errors of the whole form
    (a track that filled up, too many tries) are not repeated here: crispy draws them at the form's top.
    """
    return {"field_errors": [(field, error) for field in form for error in field.errors]}
