"""Attendance sheets to sign, and the list of who checked in.

Donors audit participation from signed lists (name, organisation, sex,
signature) kept with the payment records of travel and allowances, so a sheet
names people. It stays with the organisers and the donor's audit, which the
privacy policy calls an export: a person the policy leaves out of exports (at
risk, or "only counted, never named") is not printed, and gets a blank row of
her own to sign instead, besides the blank rows for walk-ins.

`session_sheets` and `track_sheets` gather plain data; `render_pdf` and
`render_checked_in_xlsx` only lay it out.
"""

from dataclasses import dataclass

import tablib
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participants import privacy
from participants.models import Gender, Participant, Status
from participants.resources import XLSX
from participants.selectors import with_check_in

from .models import distinct_room_names, format_time_range
from .selectors import document_colour, document_logos
from .services import seat_holders

# Rows for people who come without being on the list.
WALK_IN_ROWS = 8


@dataclass
class Sheet:
    event: str
    title: str  # The session's or the track's.
    track: str
    date: str
    time: str
    rooms: str
    people: list  # SheetRow
    blank_rows: int
    colour: str  # The event's, for the headings.
    logos: list  # agenda.selectors.DocumentLogo, the host's first.

    @property
    def blank_range(self):
        return range(self.blank_rows)


@dataclass
class SheetRow:
    name: str
    organisation: str
    sex: str


def _sex(participant):
    # "Prefer not to say" is left for her to write, or not, on the sheet.
    return participant.get_gender_display() if participant.gender in (Gender.WOMAN, Gender.MAN) else ""


def _sheet(event, logos, title, track, sessions, participants):
    participants = participants.order_by("full_name", "pk")
    named = list(privacy.named(participants, privacy.Audience.EXPORT))
    left_out = participants.count() - len(named)
    # A track with no session in the programme yet is signed on the event's day, at its venue.
    starts = [session.starts_at for session in sessions] or [event.starts_at]
    days = sorted({timezone.localtime(moment).date() for moment in starts})
    return Sheet(
        event=event.title,
        title=title,
        track=track,
        date=" – ".join(date_format(day, "DATE_FORMAT") for day in sorted({days[0], days[-1]})),
        time=format_time_range(sessions[0]) if len(sessions) == 1 else "",
        rooms=", ".join(distinct_room_names((session.room_key, session.room) for session in sessions)) or event.venue,
        people=[SheetRow(p.full_name, p.organisation, _sex(p)) for p in named],
        blank_rows=left_out + WALK_IN_ROWS,
        colour=document_colour(event),
        logos=logos,
    )


def session_sheets(event):
    """One sheet per session (breaks have none): a plenary's lists every seat-holder, a track's its own."""
    sessions = event.sessions.filter(is_break=False).select_related("track").order_by("starts_at", "track__order", "pk")
    logos = document_logos(event)
    return [
        _sheet(event, logos, session.title, session.track.title if session.track_id else _("Plenary"), [session], seat_holders(session))
        for session in sessions
    ]


def track_sheets(event):
    """One sheet per track, for the whole day of its sessions, listing the people who chose it."""
    people = Participant.objects.filter(event=event).holding_seats()
    logos = document_logos(event)
    return [
        _sheet(event, logos, track.title, track.title, list(track.sessions.filter(is_break=False).order_by("starts_at", "pk")),
               people.filter(track=track))
        for track in event.tracks.all()
    ]  # fmt: skip


def render_pdf(sheets):
    from weasyprint import HTML  # Loads Pango: only a request that draws a PDF needs it.

    html = render_to_string("agenda/attendance/sheets.html", {"sheets": sheets})
    return HTML(string=html).write_pdf()


def checked_in(event):
    """The people checked in at the event whom an export may name, with when; and how many others checked in."""
    people = Participant.objects.filter(event=event, status=Status.ATTENDED)
    named = (
        with_check_in(privacy.named(people, privacy.Audience.EXPORT))
        .select_related("category", "district", "track")
        .order_by("full_name", "pk")
    )
    named = list(named)
    return named, people.count() - len(named)


def render_checked_in_xlsx(event):
    named, not_named = checked_in(event)
    dataset = tablib.Dataset(
        headers=[
            _("No."), _("Full name"), _("Organisation"), _("Sex"), _("Category"), _("District or town"),
            _("Track"), _("Checked in at"),
        ],
        title=_("Checked in")[:31],
    )  # fmt: skip
    for number, person in enumerate(named, start=1):
        dataset.append(
            [
                number,
                person.full_name,
                person.organisation,
                _sex(person),
                person.category.name if person.category else "",
                person.district.name if person.district else "",
                person.track.title if person.track else "",
                date_format(timezone.localtime(person.checked_in_at), "DATETIME_FORMAT") if person.checked_in_at else "",
            ]
        )
    if not_named:
        dataset.append(["", _("Also checked in, not named in exports: %(count)s") % {"count": not_named}, *[""] * 6])
    return XLSX().export_data(dataset)
