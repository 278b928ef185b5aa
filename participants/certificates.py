"""Certificates of participation: an A4 landscape page for each person who attended, in her own language.

A certificate is hers: it names her as she writes her name, whatever the
privacy policy lets others read of her, because it goes only to her (through
her personal link) and to the organisers, who print them to hand to each
person. It names nobody else.
"""

from django.template.loader import render_to_string
from django.utils import translation

from .models import Participant, Status


def has_certificate(participant):
    """Only a person who came gets a certificate (a walk-in too); an erased one has no name left to print."""
    return participant.status == Status.ATTENDED and participant.erased_at is None


def certificates_pdf(participants):
    """One PDF of the certificates of these people who attended (one page each, each in her language).

    Returns (pdf, skipped): pdf is None when none of them attended; skipped
    counts the people who get none.
    """
    from weasyprint import HTML  # Loads Pango: only a request that draws a PDF needs it.

    people = list(participants.select_related("event").order_by("full_name", "pk"))
    pages = [_page(participant) for participant in people if has_certificate(participant)]
    skipped = len(people) - len(pages)
    if not pages:
        return None, skipped
    html = render_to_string("participants/certificates.html", {"pages": pages})
    return HTML(string=html).write_pdf(), skipped


def certificate_pdf(participant):
    """Her own certificate, or None when she did not attend."""
    pdf, _skipped = certificates_pdf(Participant.objects.filter(pk=participant.pk))
    return pdf


def _page(participant):
    """Her certificate's page, drawn in her language (the event's texts too)."""
    event = participant.event
    with translation.override(participant.site_language):
        return render_to_string(
            "participants/certificate_page.html",
            {
                "name": participant.full_name,
                "event": event,
                "dates": event.dates_display(),
                "hosts": [host for host in (event.host_organisation, *event.partner_organisation_list) if host],
            },
        )
