"""The participants' business rules: each one a function that every path calls.

Views, admin actions, tasks and tests all go through these, so that a seat is
counted, a waitlist promoted and an email owed the same way whoever acts.
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Event, Track
from messaging.models import MessageKind
from messaging.services import queue_message, queue_messages

from .models import (
    Category,
    Consent,
    ConsentMethod,
    Participant,
    Source,
    Status,
    StatusChange,
    new_access_token,
)

# The categories a new event starts with; organisers edit them per event.
DEFAULT_CATEGORIES = [
    # English, Russian, Kyrgyz, offered on the public form
    ("Women activist", "Женщина-активистка", "Аял активист", True),
    ("Member of a local council", "Депутат местного кенеша", "Жергиликтүү кеңештин депутаты", True),
    ("Member of Parliament", "Депутат Жогорку Кенеша", "Жогорку Кеңештин депутаты", True),
    ("Women MPs Forum", "Форум женщин-депутатов", "Аял депутаттар форуму", True),
    ("Cabinet of Ministers", "Кабинет Министров", "Министрлер Кабинети", True),
    ("Civil society", "Гражданское общество", "Жарандык коом", True),
    ("Development partner", "Партнёр по развитию", "Өнүктүрүү боюнча өнөктөш", True),
    (
        "Inter-agency working group on NAP 1325",
        "Межведомственная рабочая группа по НПД 1325",
        "1325 УИП боюнча ведомстволор аралык жумушчу топ",
        True,
    ),
    ("Media", "СМИ", "ЖМК", True),
    ("Organiser staff", "Сотрудник организаторов", "Уюштуруучулардын кызматкери", False),
]

# The version of each consent text the form shows. Change the version
# whenever the wording in any language changes, so that each recorded answer
# points at the words the person actually read.
CONSENT_TEXT_VERSION = "2026-11"


def create_default_categories(event):
    for order, (english, russian, kyrgyz, open_to_public) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(
            event=event,
            name_en=english,
            defaults={"name_ru": russian, "name_ky": kyrgyz, "order": order, "open_to_public": open_to_public},
        )


@dataclass
class RegistrationResult:
    """What a registration attempt came to.

    `participant` is None when the address already belonged to somebody: the
    caller must answer exactly as for a new registration.
    """

    participant: Participant | None
    # What the person was told: registered or waitlisted (for a taken
    # address, what a new registration would have been given).
    status: str
    is_repeat_submission: bool = False


def change_status(participant, new_status, *, by=None, note=""):
    """Move a participant to a new status and record the step in their history."""
    if participant.status == new_status:
        return
    StatusChange.objects.create(
        participant=participant, from_status=participant.status, to_status=new_status, changed_by=by, note=note
    )
    participant.status = new_status
    if new_status in (Status.REGISTERED, Status.WAITLISTED) and participant.registered_at is None:
        participant.registered_at = timezone.now()
    participant.save()


def record_added(participant, *, by=None, how):
    """The first line of a person's history: how they came onto the list, and in which status."""
    StatusChange.objects.create(participant=participant, to_status=participant.status, changed_by=by, note=how)


def record_consents(participant, answers, *, language, method=ConsentMethod.WEB_FORM, by=None, earlier=None):
    """Record each answer that differs from the last one given for that question.

    `earlier` are the answers already on record when the caller knows them
    ({} for a person just created), which saves looking them up.
    """
    current = current_consents(participant) if earlier is None else earlier
    Consent.objects.bulk_create(
        Consent(
            participant=participant,
            kind=kind,
            given=given,
            text_version=CONSENT_TEXT_VERSION,
            language=language,
            method=method,
            recorded_by=by,
        )
        for kind, given in answers.items()
        if current.get(kind) is not given
    )


def current_consents(participant):
    """The latest answer to each consent question: {kind: True/False}."""
    answers = {}
    for consent in participant.consents.order_by("kind", "-recorded_at", "-pk"):
        answers.setdefault(consent.kind, consent.given)
    return answers


def _lock_event(event):
    # Every change to who holds a seat takes this lock first, so two requests
    # for the last seat are decided one after the other, never both admitted.
    # The capacity is read under the lock: an organiser may just have changed it.
    event.capacity = Event.objects.select_for_update().values_list("capacity", flat=True).get(pk=event.pk)
    return event


def _seat_status(event):
    if event.participants.holding_seats().count() < event.capacity:
        return Status.REGISTERED
    return Status.WAITLISTED


def check_track_place(track, *, participant=None):
    """Refuse a full track. Whoever is already in it keeps their place.

    The track's row is locked while counting, so two people never both take
    its last place. Raises ValidationError on the "track" field.
    """
    if track is None or (participant is not None and participant.track_id == track.pk):
        return
    track = Track.objects.select_for_update().get(pk=track.pk)
    if track.is_full(track.participants.holding_seats().count()):
        raise ValidationError({"track": _("This track is full. Please choose another one.")})


@transaction.atomic
def move_to_track(participants, track):
    """Organisers move people into a track; returns how many moved.

    Unlike participants, organisers may fill a track beyond its places: they
    know the room.
    """
    return (
        participants.filter(event=track.event_id)
        .exclude(track=track)
        .update(track=track, updated_at=timezone.now())
    )


def _find_existing(event, email, phone):
    # These conditions repeat those of the partial unique indexes (Lower of a
    # non-empty email, a non-empty phone) so that PostgreSQL can use them: one
    # index look-up however long the list grows.
    taken = Q(email_lower=email.lower()) & ~Q(email="") if email else Q()
    if phone:
        taken |= Q(phone=phone) & ~Q(phone="")
    if not taken:
        return None
    return Participant.objects.annotate(email_lower=Lower("email")).filter(taken, event=event).order_by().first()


def _message_for_status(participant):
    kind = MessageKind.CONFIRMATION if participant.status == Status.REGISTERED else MessageKind.WAITLISTED
    queue_message(participant, kind)


@transaction.atomic
def register(event, details, consents, *, language, submission_key=None):
    """Register somebody through the public form: a seat, or the waiting list when the event is full."""
    event = _lock_event(event)
    if submission_key and (repeat := Participant.objects.filter(submission_key=submission_key).first()):
        return RegistrationResult(participant=repeat, status=repeat.status, is_repeat_submission=True)
    check_track_place(details.get("track"))

    existing = _find_existing(event, details.get("email", ""), details.get("phone", ""))
    if existing is not None:
        # Tell the owner, never the person at the form: the answer must not
        # reveal who is registered. One notice an hour at most.
        hour = timezone.now().strftime("%Y%m%d%H")
        queue_message(existing, MessageKind.ALREADY_REGISTERED, key=f"already_registered:{existing.pk}:{hour}")
        return RegistrationResult(participant=None, status=_seat_status(event))

    status = _seat_status(event)
    participant = Participant.objects.create(
        event=event,
        source=Source.PUBLIC_FORM,
        submission_key=submission_key,
        status=status,
        registered_at=timezone.now(),
        **details,
    )
    record_added(participant, how="public registration form")
    record_consents(participant, consents, language=language, earlier={})
    _message_for_status(participant)
    return RegistrationResult(participant=participant, status=status)


@transaction.atomic
def accept_invitation(participant, details, consents, *, language):
    """An invited person accepts: their details are updated and they take a seat or join the waiting list."""
    event = _lock_event(participant.event)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    check_track_place(details.get("track"), participant=participant)
    for field, value in details.items():
        setattr(participant, field, value)
    participant.save()
    record_consents(participant, consents, language=language)
    if participant.status in (Status.INVITED, Status.DECLINED, Status.CANCELLED):
        change_status(participant, _seat_status(event), note="accepted the invitation")
        _message_for_status(participant)
    return participant


@transaction.atomic
def update_details(participant, details, consents, *, language):
    """A registered person changes their details or needs through their personal page."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    check_track_place(details.get("track"), participant=participant)
    for field, value in details.items():
        setattr(participant, field, value)
    participant.save()
    record_consents(participant, consents, language=language)
    return participant


@transaction.atomic
def decline(participant, *, reason="", by=None):
    """The person will not come. A seat they held goes to the waiting list."""
    _lock_event(participant.event)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status == Status.DECLINED:  # keep the reason they gave the first time
        return participant
    held_seat = participant.holds_seat
    participant.decline_reason = reason
    change_status(participant, Status.DECLINED, by=by)
    if held_seat:
        promote_from_waitlist(participant.event)
    return participant


@transaction.atomic
def cancel(participant, *, by=None):
    """A registered or waitlisted person cancels; the seat goes to the first person waiting."""
    _lock_event(participant.event)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status not in (Status.REGISTERED, Status.WAITLISTED):
        return participant
    held_seat = participant.holds_seat
    change_status(participant, Status.CANCELLED, by=by)
    queue_message(
        participant, MessageKind.CANCELLED, key=f"cancelled:{participant.pk}:{participant.status_changes.count()}"
    )
    if held_seat:
        promote_from_waitlist(participant.event)
    return participant


@transaction.atomic
def promote_from_waitlist(event):
    """Give free seats to the people waiting longest. Every path that frees a seat calls this."""
    event = _lock_event(event)
    promoted = []
    free_seats = event.capacity - event.participants.holding_seats().count()
    for participant in event.participants.waitlisted().select_for_update()[: max(free_seats, 0)]:
        change_status(participant, Status.REGISTERED, note="a seat became free")
        queue_message(participant, MessageKind.PROMOTED)
        promoted.append(participant)
    return promoted


# Invitations written per transaction: the first ones are on their way while
# the rest are written, and no row stays locked for long.
INVITATIONS_PER_TRANSACTION = 200


def send_invitation(participant, *, new_link=False):
    """Invite one person (see send_invitations). True when the invitation goes by email."""
    return not send_invitations([participant], new_link=new_link)


def send_invitations(participants, *, new_link=False):
    """Invite these people; with new_link, their old personal links stop working first.

    Returns those without an email address: their invitations wait in the
    messages to deliver by hand.
    """
    participants = list(participants)
    without_email = []
    for start in range(0, len(participants), INVITATIONS_PER_TRANSACTION):
        without_email += _send_invitations_part(participants[start : start + INVITATIONS_PER_TRANSACTION], new_link)
    return without_email


@transaction.atomic
def _send_invitations_part(participants, new_link):
    # The event comes along: the invitation's text names it. Only the
    # participants' rows are locked, in one order, so two sends never deadlock.
    invitees = list(
        Participant.objects.select_for_update(of=("self",))
        .select_related("event")
        .filter(pk__in=[participant.pk for participant in participants])
        .order_by("pk")
    )
    now = timezone.now()
    for invitee in invitees:
        if new_link:
            invitee.access_token = new_access_token()
        invitee.invitation_sent_at = invitee.updated_at = now
    Participant.objects.bulk_update(invitees, ["access_token", "invitation_sent_at", "updated_at"])
    queue_messages(invitees, MessageKind.INVITATION, key=_invitation_key)
    return [invitee for invitee in invitees if not invitee.email]


def _invitation_key(participant):
    # One invitation per link; the key names the link by a digest, as the
    # outbox's keys are not secret.
    link = hashlib.sha256(participant.access_token.encode()).hexdigest()[:16]
    return f"invitation:{participant.pk}:{link}"


@transaction.atomic
def mark_attended(participant, *, by=None):
    _lock_event(participant.event)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    change_status(participant, Status.ATTENDED, by=by, note="checked in")
    return participant
