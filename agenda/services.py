"""The agenda's rules: what clashes with what, who sits in a session, how the day is laid out."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from participants import privacy
from participants.models import Participant

from .models import Session, format_time_range


def display_name(user):
    return user.get_full_name() or user.get_username()


def facilitator_clashes(facilitators, starts_at, ends_at, exclude=None):
    """(facilitator, other session) pairs where a facilitator is already busy at this time.

    Other sessions of every event count: nobody facilitates in two places at once.
    """
    others = Session.objects.overlapping(starts_at, ends_at).filter(facilitators__in=facilitators)
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    clashes = []
    for other in others.distinct().prefetch_related("facilitators"):
        for facilitator in other.facilitators.all():
            if facilitator in facilitators:
                clashes.append((facilitator, other))
    return clashes


def facilitator_clash_message(facilitator, other):
    return _(
        "%(name)s also facilitates “%(session)s” (%(time)s). If a co-facilitator covers, tick "
        "“A co-facilitator covers” and save again."
    ) % {"name": display_name(facilitator), "session": other.title, "time": format_time_range(other)}


def seat_holders(session):
    """Who is expected in a session: everybody holding a seat for a plenary, the track's people for a track's."""
    participants = Participant.objects.filter(event=session.event_id).holding_seats()
    if session.track_id:
        participants = participants.filter(track=session.track_id)
    return participants


def participants_for_session(session):
    """The people a facilitator can expect in a session: everybody holding a
    seat for a plenary, the track's participants for a track's session.

    Each comes with `no_photos` and `no_quotes`; the page names only the
    people the privacy policy lets facilitators see named.
    """
    participants = privacy.with_restrictions(seat_holders(session)).select_related("category").order_by("full_name", "pk")
    return [
        ExpectedParticipant(participant, privacy.appearance(participant, privacy.Audience.FACILITATORS))
        for participant in participants
    ]


@dataclass
class ExpectedParticipant:
    """A person as a facilitator may see her: who she is only when she may be named, her needs always."""

    participant: Participant
    appearance: str

    @property
    def is_named(self):
        return self.appearance == privacy.Appearance.NAMED

    @property
    def name(self):
        return privacy.shown_name(self.participant, privacy.Audience.FACILITATORS)


def sessions_for_facilitator(user, now=None):
    """The sessions a user facilitates or reports on; organisers see every session."""
    sessions = Session.objects.filter(is_break=False).select_related("event", "track").prefetch_related("facilitators")
    if not user.has_perm("agenda.view_every_session"):
        facilitated = Session.objects.filter(facilitators=user).values("pk")
        sessions = sessions.filter(Q(pk__in=facilitated) | Q(rapporteur=user))
    return sessions.upcoming_first(now)


def sessions_for_participant(participant):
    """Her day without its breaks: the sessions for everybody and her track's (every track's while she chose none)."""
    sessions = participant.event.sessions.filter(is_break=False).select_related("track")
    if participant.track_id:
        sessions = sessions.filter(Q(track__isnull=True) | Q(track=participant.track_id))
    return sessions.order_by("starts_at", "track__order", "pk")


@dataclass
class TimetableRow:
    """One band of the timetable: a session for everybody, or the tracks' parallel sessions."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    session: Session | None = None
    # One list of sessions per track, in the order of the event's tracks.
    cells: list = field(default_factory=list)


def timetable(event):
    """The event's tracks and the rows of its timetable, in time order.

    Track sessions that overlap in time share a row, so parallel discussions
    stand side by side; every plenary and break is a row of its own across all
    the tracks.
    """
    tracks = list(event.tracks.all())
    column = {track.pk: index for index, track in enumerate(tracks)}
    sessions = event.sessions.select_related("track").prefetch_related("facilitators").order_by(
        "starts_at", "track__order", "pk"
    )
    rows = []
    parallel = None
    for session in sessions:
        if session.track_id is None:
            parallel = None
            rows.append(TimetableRow(session.starts_at, session.ends_at, session=session))
            continue
        if parallel is None or session.starts_at >= parallel.ends_at:
            parallel = TimetableRow(session.starts_at, session.ends_at, cells=[[] for _track in tracks])
            rows.append(parallel)
        parallel.ends_at = max(parallel.ends_at, session.ends_at)
        parallel.cells[column[session.track_id]].append(session)
    return tracks, rows


def calendar(sessions):
    """An iCalendar (RFC 5545) file of the sessions, times in the site's time zone (Asia/Bishkek)."""
    local_zone = timezone.get_default_timezone()
    site = urlsplit(settings.SITE_URL).hostname
    cal = icalendar.Calendar()
    cal.add("prodid", "-//dialogue-event//agenda//EN")
    cal.add("version", "2.0")
    sessions = list(sessions)
    for session in sessions:
        entry = icalendar.Event()
        entry.add("uid", f"session-{session.pk}@{site}")
        entry.add("dtstamp", session.updated_at)
        entry.add("dtstart", session.starts_at.astimezone(local_zone))
        entry.add("dtend", session.ends_at.astimezone(local_zone))
        entry.add("summary", session.title)
        details = [session.track.title] if session.track_id else []
        if session.description:
            details.append(session.description)
        facilitators = [display_name(user) for user in session.facilitators.all()]
        if facilitators:
            details.append(_("Facilitators: %(names)s") % {"names": ", ".join(facilitators)})
        if details:
            entry.add("description", "\n\n".join(details))
        place = [session.room, session.event.venue, session.event.address or session.event.city]
        entry.add("location", ", ".join(part for part in place if part))
        if session.track_id:
            entry.add("categories", [session.track.title])
        entry.add("url", settings.SITE_URL + session.get_absolute_url())
        cal.add_component(entry)
    if sessions:
        # Describe the zone only around these dates, not since 1970.
        cal.add_missing_timezones(
            first_date=min(session.starts_at for session in sessions).date() - datetime.timedelta(days=1),
            last_date=max(session.ends_at for session in sessions).date() + datetime.timedelta(days=1),
        )
    return cal.to_ical()
