"""Reads of an event that several apps' documents share."""

from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage

from .models import LogoRole

# A document's rule and headings when the event has no colour of its own: the site's blue.
DEFAULT_COLOUR = "#0a58ca"


@dataclass
class DocumentLogo:
    organisation: str  # In the document's language: the picture's alternative text.
    role: str
    name: str  # The stored file's name, so that a published outcome kept as data outlives a move of MEDIA_ROOT.

    @property
    def path(self):
        """The stored file, or None when it is gone (a document then names the organisation in its text only)."""
        path = Path(default_storage.path(self.name))
        return path if path.is_file() else None

    @property
    def uri(self):
        # WeasyPrint reads file:// addresses itself: no request to the site while a document is drawn.
        return self.path.as_uri() if self.path else ""


def document_logos(event):
    """The event's logos for a document, the host's first, in the active language."""
    logos = sorted(event.logos.all(), key=lambda logo: (logo.role != LogoRole.HOST, logo.order, logo.pk))
    return [DocumentLogo(organisation=logo.organisation, role=logo.role, name=logo.image.name) for logo in logos]


def document_colour(event):
    return event.colour or DEFAULT_COLOUR
