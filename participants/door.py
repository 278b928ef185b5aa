"""What the door page knows of each person, and how it finds her.

Door staff see a person's name, her track and room, the interpretation and
access she needs, whether she must not be photographed or quoted, and whether
she has checked in: nothing else (no phone, no email, no notes). The page
keeps this list on the phone for when the venue's connection goes, so it also
carries what lets the phone find her offline: her name folded for search, the
last four digits of her phone (never shown) and a digest of her check-in code
(the code itself stays on the server).
"""

import datetime

from django.utils import timezone

from agenda.models import ROOM_KEY_FIELD, Session, distinct_room_names

from . import privacy
from .folding import fold
from .models import Participant, Source, Status
from .selectors import with_check_in
from .services import checkin_code_digest

# Results the search sends back; a longer list means "type more letters".
SEARCH_RESULTS = 20
PHONE_DIGITS_SHOWN_TO_SEARCH = 4
# Typing this many digits searches phone numbers rather than names.
PHONE_SEARCH_FROM = 2
# Each answer of the list tells the phone to ask next for changes from this
# long before it was read: a change saved while the list was read, and
# committed after, still reaches the phone (twice does no harm).
SYNC_OVERLAP = datetime.timedelta(seconds=10)


def at_the_door(event):
    """The people the door expects or has let in (people added at the door hold a seat as they come in)."""
    return event.participants.holding_seats().filter(erased_at__isnull=True)


def _with_door_details(participants):
    return privacy.with_restrictions(with_check_in(participants)).select_related("track").order_by("full_name", "pk")


def changed_since(event, since):
    """Everyone of the event whose record changed after `since`, the door's list or not (a phone drops those who left it)."""
    return _with_door_details(event.participants.filter(updated_at__gt=since))


def door_list(event):
    return _with_door_details(at_the_door(event))


def search(event, text):
    """People at the door whose name holds every word typed (in any alphabet), or whose phone ends in the digits typed."""
    people = at_the_door(event)
    digits = "".join(character for character in text if character.isdigit())
    if len(digits) >= PHONE_SEARCH_FROM and digits == text.replace(" ", ""):
        people = people.filter(phone__endswith=digits)
    else:
        words = fold(text).split()
        if not words:
            return Participant.objects.none()
        for word in words:
            people = people.filter(name_folded__contains=word)
    return _with_door_details(people)[:SEARCH_RESULTS]


def rooms_by_track(event):
    """Where each track meets ({track id: "Room 1, Room 2"}), named in the active language; None's rooms are
    the plenary's."""
    rooms = {}
    # No filter on `room`: modeltranslation would rewrite it to the active
    # language's column and drop rooms named only in another. Reading `room`
    # falls back to another language.
    sessions = Session.objects.filter(event=event, is_break=False).order_by("starts_at")
    for track_id, name, key in sessions.values_list("track_id", "room", ROOM_KEY_FIELD):
        rooms.setdefault(track_id, []).append((key, name))
    return {track_id: ", ".join(distinct_room_names(pairs)) for track_id, pairs in rooms.items()}


def entry(person, rooms):
    """One person as the door page holds her (JSON)."""
    if person.erased_at is not None or not person.holds_seat:
        return {"id": person.pk, "gone": True}
    needs = [person.get_interpretation_language_display()] if person.interpretation_language else []
    if person.accessibility_needs:
        needs.append(person.accessibility_needs)
    return {
        "id": person.pk,
        "name": privacy.shown_name(person, privacy.Audience.DOOR),
        "folded": person.name_folded,
        "phone_end": person.phone[-PHONE_DIGITS_SHOWN_TO_SEARCH:],
        "code": checkin_code_digest(person.checkin_token) if person.checkin_token else "",
        "track": person.track_id,
        "track_title": person.track.title if person.track_id else "",
        "room": rooms.get(person.track_id) or rooms.get(None, ""),
        "needs": needs,
        "no_photos": person.no_photos,
        "no_quotes": person.no_quotes,
        "walk_in": person.source == Source.WALK_IN,
        "checked_in": person.status == Status.ATTENDED,
        "checked_in_at": timezone.localtime(person.checked_in_at).isoformat() if person.status == Status.ATTENDED and person.checked_in_at else None,
        "checked_in_by": person.checked_in_by if person.status == Status.ATTENDED else None,
    }


def entry_now(event, person):
    """One person as the door page holds her, read again after a change."""
    return entry(_with_door_details(event.participants.filter(pk=person.pk)).get(), rooms_by_track(event))


def check_in_state(check_in):
    """What a check-in changed of a person the phone already holds: the door page merges it into her entry."""
    checked_in = check_in.participant.status == Status.ATTENDED
    by = check_in.by
    return {
        "id": check_in.participant.pk,
        "checked_in": checked_in,
        "checked_in_at": timezone.localtime(check_in.at).isoformat() if checked_in and check_in.at else None,
        "checked_in_by": (by.get_full_name() or by.get_username()) if checked_in and by else None,
    }
