"""The participants' business rules: each one a function that every path calls.

Views, admin actions, tasks and tests all go through these, so that a seat is
counted, a waitlist promoted and an email owed the same way whoever acts.
"""

import copy
import datetime
import hashlib
import io
import time
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Lower, Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda.models import Event, RegistrationState, Track
from messaging.models import Message, MessageKind
from messaging.services import queue_message, queue_messages
from recommendations.models import (
    Endorsement,
    FollowUpUpdate,
    FormDraft,
    OutcomeDocument,
    Quote,
    Recommendation,
    SessionReport,
)
from recommendations.services import erase_name_from_published_versions
from recommendations.services import published_versions_naming as outcome_versions_naming

from .models import (
    AddressChange,
    BulkSend,
    BulkSendKind,
    Category,
    Consent,
    ConsentMethod,
    Participant,
    RetiredCheckinCode,
    Source,
    Status,
    StatusChange,
    Visibility,
    new_access_token,
    new_checkin_token,
)
from .privacy import on_badge

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


def change_status(participant, new_status, *, by=None, note="", at=None, also_save=()):
    """Move a participant to a new status and record the step in their history (at `at`, by default now).

    Only the status and its dates are written (with `also_save`, the other
    fields the caller changed): her row has some fifty columns, and the door
    checks people in one after the other.
    """
    if participant.status == new_status:
        return
    StatusChange.objects.create(
        participant=participant,
        from_status=participant.status,
        to_status=new_status,
        changed_by=by,
        note=note,
        changed_at=at or timezone.now(),
    )
    participant.status = new_status
    if new_status in Status.SIGNED_UP and participant.registered_at is None:
        participant.registered_at = timezone.now()
    participant.save(update_fields=["status", "registered_at", "updated_at", *also_save])


def record_added(participant, *, by=None, how, at=None):
    """The first line of a person's history: how they came onto the list, and in which status."""
    StatusChange.objects.create(
        participant=participant, to_status=participant.status, changed_by=by, note=how, changed_at=at or timezone.now()
    )


def add_imported(participants, *, by=None):
    """Save the people of an invitee list, checked beforehand, each with the first line of their history."""
    Participant.objects.bulk_create(participants)
    StatusChange.objects.bulk_create(
        StatusChange(participant=participant, to_status=participant.status, changed_by=by, note="imported from a list")
        for participant in participants
    )


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


# What a registration decides with, read again under the event's lock.
LOCKED_EVENT_FIELDS = (
    "capacity",
    "is_published",
    "open_registration",
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
)


def _lock_event(event):
    # Every change to who holds a seat takes this lock first, so two requests
    # for the last seat are decided one after the other, never both admitted.
    # The capacity and the registration's dates are read under the lock: an
    # organiser may just have changed them.
    current = Event.objects.select_for_update().values(*LOCKED_EVENT_FIELDS).get(pk=event.pk)
    for name, value in current.items():
        setattr(event, name, value)
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


def _find_earlier(event, email, phone, submission_key):
    """Who this registration may repeat, in one look-up: (the same form sent before, the owner of the address).

    The conditions repeat those of the unique indexes (the submission key;
    Lower of a non-empty email and a non-empty phone within the event) so
    that PostgreSQL answers from them, however long the list grows; each
    matches one row at most. Only the ids are read: most registrations find
    nobody, and the few that do load that person.
    """
    email = email.lower()
    taken = Q(email_lower=email) & ~Q(email="") if email else Q()
    if phone:
        taken |= Q(phone=phone) & ~Q(phone="")
    wanted = (Q(event=event) & taken) if taken else Q()
    if submission_key:
        wanted |= Q(submission_key=submission_key)
    if not wanted:
        return None, None
    earlier = (
        Participant.objects.annotate(email_lower=Lower("email"))
        .filter(wanted)
        .order_by()
        .values_list("pk", "event_id", "submission_key", "email_lower", "phone")
    )
    repeat = owner = None
    for pk, event_id, key, email_lower, phone_given in earlier:
        if submission_key and str(key) == str(submission_key):  # a UUID, or the same key as text
            repeat = pk
        if event_id == event.pk and ((email and email_lower == email) or (phone and phone_given == phone)):
            owner = pk
    people = Participant.objects.in_bulk({pk for pk in (repeat, owner) if pk}) if repeat or owner else {}
    return people.get(repeat), people.get(owner)


def _is_same_submission(participant, event, details):
    return participant.event_id == event.pk and all(
        getattr(participant, name) == value for name, value in details.items()
    )


def _tell_owner_of_taken_address(owner):
    # One notice an hour at most, however often the address is tried.
    hour = timezone.now().strftime("%Y%m%d%H")
    queue_message(owner, MessageKind.ALREADY_REGISTERED, key=f"already_registered:{owner.pk}:{hour}")


def _message_for_status(participant, *, new=False):
    kind = MessageKind.CONFIRMATION if participant.status == Status.REGISTERED else MessageKind.WAITLISTED
    queue_message(participant, kind, new=new)


class RegistrationUnavailable(Exception):
    """The event stopped taking registrations while the form was open: its registration_state, None if unpublished."""

    def __init__(self, registration_state):
        super().__init__(registration_state)
        self.registration_state = registration_state


@transaction.atomic
def register(event, details, consents, *, language, submission_key=None):
    """Register somebody through the public form: a seat, or the waiting list when the event is full.

    The event may be a copy a minute old (the form is drawn from one): all
    that decides the registration is read again under the event's lock.
    Raises RegistrationUnavailable when the event no longer takes them.
    """
    event = _lock_event(event)
    if not event.is_published:
        raise RegistrationUnavailable(None)
    if event.registration_state() != RegistrationState.OPEN:
        raise RegistrationUnavailable(event.registration_state())
    repeat, existing = _find_earlier(event, details.get("email", ""), details.get("phone", ""), submission_key)
    if repeat is not None:
        if _is_same_submission(repeat, event, details):
            return RegistrationResult(participant=repeat, status=repeat.status, is_repeat_submission=True)
        # The key of another person's form (a page kept in a shared browser,
        # sent again with other details) answers only for that form: this one
        # is taken on its own, without the key.
        submission_key = None
    check_track_place(details.get("track"))

    if existing is not None:
        # Tell the owner, never the person at the form: the answer must not
        # reveal who is registered.
        _tell_owner_of_taken_address(existing)
        return RegistrationResult(participant=None, status=_seat_status(event))

    status = _seat_status(event)
    participant = Participant.objects.create(
        event=event,
        source=Source.PUBLIC_FORM,
        submission_key=submission_key,
        status=status,
        registered_at=timezone.now(),
        # Her confirmation carries her check-in code: made now rather than
        # written again once she has a row.
        checkin_token=new_checkin_token() if status in Status.SEAT_HOLDING else None,
        **details,
    )
    record_added(participant, how="public registration form")
    record_consents(participant, consents, language=language, earlier={})
    _message_for_status(participant, new=True)
    return RegistrationResult(participant=participant, status=status)


@dataclass
class DetailsResult:
    """What a person's own page saved.

    `new_addresses` ({"email": ..., "phone": ...}) are not saved yet: each
    waits for the link sent to it (see request_address_change).
    """

    participant: Participant
    new_addresses: dict


@transaction.atomic
def accept_invitation(participant, details, consents, *, language):
    """An invited person accepts: their details are updated and they take a seat or join the waiting list."""
    event = _lock_event(participant.event)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    check_track_place(details.get("track"), participant=participant)
    result = _save_own_details(participant, details, consents, language)
    if participant.is_answering_invitation:
        change_status(participant, _seat_status(event), note="accepted the invitation")
        _message_for_status(participant)
    return result


@transaction.atomic
def update_details(participant, details, consents, *, language):
    """A registered person changes their details or needs through their personal page."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    check_track_place(details.get("track"), participant=participant)
    return _save_own_details(participant, details, consents, language)


# Her ways to be reached. A new one is hers only once she opens the link
# sent to it, so that her page never says whether it belongs to somebody else.
CONTACT_FIELDS = ("email", "phone")
ADDRESS_CHANGE_MAX_AGE = datetime.timedelta(days=7)


class AddressChangeOutcome(models.TextChoices):
    CONFIRMED = "confirmed"
    # Somebody else's since the link was sent.
    TAKEN = "taken"


def new_contact_addresses(participant, details):
    """The email address and phone number given on her own page that differ from those on record."""
    return {
        name: details[name]
        for name in CONTACT_FIELDS
        if details.get(name) and details[name].lower() != getattr(participant, name).lower()
    }


def request_address_change(participant, name, address):
    """Send a link to her new email address or phone number; opening it makes the address hers.

    Her page says the same whoever owns the address: when it is already on
    the event's list, its owner gets the notice a taken address gets on the
    public form, and nothing changes.
    """
    email, phone = (address, "") if name == "email" else ("", address)
    _, owner = _find_earlier(participant.event, email, phone, None)
    if owner is not None:
        if owner.pk != participant.pk:
            _tell_owner_of_taken_address(owner)
        return
    change = AddressChange.objects.create(
        participant=participant, field=name, address=address, link_digest=_link_digest(participant)
    )
    with translation.override(participant.site_language):
        confirm_url = settings.SITE_URL + reverse("participants:confirm_address", kwargs={"token": change.token})
    # The outbox writes to a participant's email address or, without one,
    # lists the message to deliver by hand to her phone: a copy carrying
    # only the new address sends it there and nowhere else.
    recipient = copy.copy(participant)
    recipient.email, recipient.phone = email, phone
    hour = timezone.now().strftime("%Y%m%d%H")
    queue_message(
        recipient,
        MessageKind.ADDRESS_CHANGE,
        key=f"address_change:{participant.pk}:{_digest(address)}:{hour}",
        # In place of her personal link, which must not reach an address she may have mistyped.
        extra_context={"personal_link": confirm_url, "address": address, "button_label": gettext_lazy("Confirm")},
    )


class AddressChangeLinkInvalid(Exception):
    """No such confirmation link, one already used, or one whose personal link was replaced since."""


class AddressChangeLinkExpired(Exception):
    pass


def read_address_change(token):
    """The pending AddressChange a confirmation link is for, with its participant.

    Raises AddressChangeLinkExpired for an old link and AddressChangeLinkInvalid otherwise.
    """
    return _address_change(token, AddressChange.objects.all())


def _address_change(token, changes):
    change = changes.select_related("participant__event").filter(token=token, confirmed_at__isnull=True).first()
    if change is None or _link_digest(change.participant) != change.link_digest:
        raise AddressChangeLinkInvalid
    if change.created_at < timezone.now() - ADDRESS_CHANGE_MAX_AGE:
        raise AddressChangeLinkExpired
    return change


@transaction.atomic
def confirm_address_change(token):
    """Make the new address of a confirmation link hers, once (see read_address_change for its errors)."""
    # Her row is locked too, so that two links confirmed at once save one after the other.
    change = _address_change(token, AddressChange.objects.select_for_update(of=("self", "participant")))
    participant, name, address = change.participant, change.field, change.address
    if getattr(participant, name) != address:
        email, phone = (address, "") if name == "email" else ("", address)
        if _find_earlier(participant.event, email, phone, None)[1] is not None:
            return AddressChangeOutcome.TAKEN, participant
        setattr(participant, name, address)
        try:
            with transaction.atomic():
                participant.save(update_fields=[name, "updated_at"])
        except IntegrityError:  # taken by a registration at this very moment
            return AddressChangeOutcome.TAKEN, participant
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    return AddressChangeOutcome.CONFIRMED, participant


def _save_own_details(participant, details, consents, language):
    new_addresses = new_contact_addresses(participant, details)
    for name, value in details.items():
        if name not in CONTACT_FIELDS:
            setattr(participant, name, value)
    for name in CONTACT_FIELDS:
        # Taking an address away is saved at once, as long as one is left to reach her.
        others = [getattr(participant, other) for other in CONTACT_FIELDS if other != name]
        if name in details and not details[name] and any(others):
            setattr(participant, name, "")
    participant.save()
    record_consents(participant, consents, language=language)
    for name, address in new_addresses.items():
        request_address_change(participant, name, address)
    return DetailsResult(participant=participant, new_addresses=new_addresses)


@transaction.atomic
def decline(participant, *, reason="", by=None):
    """The person will not come. A seat they held goes to the waiting list."""
    _lock_event(participant.event)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status == Status.DECLINED:  # keep the reason they gave the first time
        return participant
    held_seat = participant.holds_seat
    participant.decline_reason = reason
    change_status(participant, Status.DECLINED, by=by, also_save=["decline_reason"])
    if held_seat:
        promote_from_waitlist(participant.event)
    return participant


@transaction.atomic
def cancel(participant, *, by=None):
    """A registered or waitlisted person cancels; the seat goes to the first person waiting."""
    _lock_event(participant.event)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not participant.is_signed_up:
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


# Rows written per transaction: the first messages are on their way while the
# rest are written, and no row stays locked for long. A selection of more
# people is sent in the background, by a task, a part at a time.
PEOPLE_PER_TRANSACTION = 200
# How long one task sends before handing the rest to the next: well under
# CELERY_TASK_SOFT_TIME_LIMIT.
BULK_SEND_TASK_SECONDS = 60
# A send whose last part is older than this lost its task (a Redis restart, a
# killed worker); a part takes a second or two.
BULK_SEND_STALLED_AFTER = datetime.timedelta(minutes=3)
# What a BulkSend counts: the Sending's lists of the same names.
BULK_SEND_COUNTS = ("emailed", "by_hand", "already_invited", "answered", "not_invited_yet")


@dataclass
class Sending:
    """What a send to a list of people came to, for telling the organisers.

    `by_hand` are those without an email address: their messages wait in the
    messages to deliver by hand.
    """

    emailed: list = field(default_factory=list)
    by_hand: list = field(default_factory=list)
    # Left out of invitations: already sent one, or no longer at the "Invited" stage.
    already_invited: list = field(default_factory=list)
    answered: list = field(default_factory=list)
    # Given a new link but sent nothing: their invitation will carry it.
    not_invited_yet: list = field(default_factory=list)
    # A selection of more than one part is sent by a task: the BulkSend
    # recording its progress, and the lists above stay empty.
    in_background: BulkSend | None = None

    def sort_by_channel(self, recipients):
        for recipient in recipients:
            (self.emailed if recipient.email else self.by_hand).append(recipient)


def send_invitations(participants, *, by=None):
    """Invite those of these people who may be invited; returns a Sending.

    An invitation asks her to accept or decline: it means nothing to someone
    who already answered. Nor is the same link sent twice: to send another,
    replace_personal_links. More people than one part are invited in the
    background (see _start).
    """
    return _start(participants, BulkSendKind.INVITATIONS, by=by)


def replace_personal_links(participants, *, by=None):
    """Give each of these people a new personal link, whatever her status, and send it to her; returns a Sending.

    The old link stops working at once, and so do the pages already opened
    with it. An invited person who was never sent her invitation is sent
    nothing: the invitation will carry the new link. More people than one
    part are sent theirs in the background (see _start).
    """
    return _start(participants, BulkSendKind.NEW_LINKS, by=by)


def continue_bulk_send(bulk_send_id, *, for_at_most=BULK_SEND_TASK_SECONDS):
    """Go through the parts of a BulkSend not done yet, each in its own transaction; returns whether it finished.

    Each part locks the record, takes the next people after `done`, and
    advances `done` and the counts in the same transaction as their messages:
    a second task waits for the part under way and then goes on after it, and
    a part whose worker died is rolled back whole and done again. After
    `for_at_most` seconds the rest is handed to a new task, so that no task
    comes near the time limit, however many people were selected.
    """
    started = time.monotonic()
    while time.monotonic() - started < for_at_most:
        with transaction.atomic():
            bulk_send = BulkSend.objects.select_for_update().get(pk=bulk_send_id)
            if bulk_send.finished_at is not None:
                return True
            pks = bulk_send.participant_ids[bulk_send.done : bulk_send.done + PEOPLE_PER_TRANSACTION]
            sending = Sending()
            SEND_PART[bulk_send.what](pks, sending)
            bulk_send.done += len(pks)
            for count in BULK_SEND_COUNTS:
                setattr(bulk_send, count, getattr(bulk_send, count) + len(getattr(sending, count)))
            if bulk_send.done >= len(bulk_send.participant_ids):
                bulk_send.finished_at = timezone.now()
            bulk_send.save()
        if bulk_send.finished_at is not None:
            return True
    _enqueue_bulk_send(bulk_send_id)
    return False


def resume_stalled_bulk_sends(now=None):
    """Enqueue again each BulkSend that stopped moving (the broker lost its task); returns how many.

    One that is still moving but slowly is enqueued twice at worst: the lock
    on the record keeps the two tasks from doing a part twice.
    """
    stalled = BulkSend.objects.filter(
        finished_at__isnull=True, updated_at__lt=(now or timezone.now()) - BULK_SEND_STALLED_AFTER
    ).values_list("pk", flat=True)
    for pk in stalled:
        _enqueue_bulk_send(pk)
    return len(stalled)


# The check-in code: what the door scans, and nothing else.

# The messages that carry it: those telling her she holds a seat, and the reminders.
CHECKIN_CODE_MESSAGES = frozenset({MessageKind.CONFIRMATION, MessageKind.PROMOTED, MessageKind.REMINDER})


def has_checkin_code(participant):
    """Who has a check-in code: a person holding a seat (registered or already attended)."""
    return participant.holds_seat and participant.erased_at is None


def checkin_code(participant):
    """Her check-in code, made the first time she needs it; None for a person without a seat."""
    if not has_checkin_code(participant):
        return None
    if participant.checkin_token is None:
        # Two requests at once must not give her two codes: the first one written wins.
        Participant.objects.filter(pk=participant.pk, checkin_token__isnull=True).update(
            checkin_token=new_checkin_token()
        )
        participant.checkin_token = Participant.objects.values_list("checkin_token", flat=True).get(pk=participant.pk)
    return participant.checkin_token


def checkin_code_for_reading(token):
    """The code in two groups of five, as a person reads it out at the door."""
    middle = len(token) // 2
    return f"{token[:middle]}-{token[middle:]}"


def checkin_qr(token):
    """The code as a QR code (a segno QRCode; .save() writes PNG or SVG).

    The highest error correction still fits the code in the smallest QR
    code, so each module is large and a cracked screen or a crumpled
    printout still scans.
    """
    return segno.make_qr(token, error="h", boost_error=False)


def checkin_qr_png(token, *, scale=10):
    buffer = io.BytesIO()
    checkin_qr(token).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


# Badges: eight to an A4 sheet, each 95 × 68 mm inside dashed cut lines.
BADGES_PER_SHEET = 8


def badges_pdf(participants):
    """A PDF of badges for these people, in the active language: name, organisation, track and check-in QR code.

    What a badge says of a person is the privacy policy's (on_badge).
    """
    from weasyprint import HTML  # Loads Pango: only a request that draws a PDF needs it.

    badges = []
    for participant in participants.filter(erased_at__isnull=True).select_related("event", "track"):
        token = checkin_code(participant)
        name, organisation = on_badge(participant)
        badges.append(
            {
                "name": name,
                "organisation": organisation,
                "track": participant.track.title if participant.track_id else "",
                "event": participant.event.title,
                "qr": checkin_qr(token).png_data_uri(scale=8, border=2) if token else "",
                "code": checkin_code_for_reading(token) if token else "",
            }
        )
    badges.sort(key=lambda badge: badge["name"].casefold())
    sheets = [badges[start : start + BADGES_PER_SHEET] for start in range(0, len(badges), BADGES_PER_SHEET)]
    html = render_to_string("participants/badges.html", {"sheets": sheets})
    return HTML(string=html).write_pdf()


def _start(participants, what, *, by):
    """One part or less is sent at once, within the request; more is recorded as a BulkSend and sent by a task.

    For a long selection the request only reads the ids (the task reads the
    people, a part at a time, under their locks) and writes the record: the
    organiser's page answers at once, whatever the number of people.
    """
    if isinstance(participants, models.QuerySet):
        rows = list(participants.order_by("pk").values_list("pk", "event_id"))
    else:
        rows = [(participant.pk, participant.event_id) for participant in participants]
    pks = [pk for pk, _event in rows]
    if len(pks) <= PEOPLE_PER_TRANSACTION:
        sending = Sending()
        SEND_PART[what](pks, sending)
        return sending
    events = {event for _pk, event in rows}
    with transaction.atomic():
        bulk_send = BulkSend.objects.create(
            event_id=events.pop() if len(events) == 1 else None, what=what, asked_by=by, participant_ids=pks
        )
        _enqueue_bulk_send(bulk_send.pk)
    return Sending(in_background=bulk_send)


def _enqueue_bulk_send(bulk_send_id):
    from .tasks import continue_bulk_send  # the tasks module imports this one

    # A publish that fails (Redis down) loses nothing: resume_stalled_bulk_sends enqueues it again.
    transaction.on_commit(lambda: continue_bulk_send.delay(bulk_send_id), robust=True)


def _locked(pks):
    # The event comes along: the messages' text names it. Only the
    # participants' rows are locked, in one order, so two sends never deadlock.
    return list(
        Participant.objects.select_for_update(of=("self",)).select_related("event").filter(pk__in=pks).order_by("pk")
    )


@transaction.atomic
def _send_invitations_part(pks, sending):
    invitees = []
    for participant in _locked(pks):
        if participant.status != Status.INVITED:
            sending.answered.append(participant)
        elif participant.invitation_sent_at is not None:
            sending.already_invited.append(participant)
        else:
            invitees.append(participant)
    now = timezone.now()
    for invitee in invitees:
        invitee.invitation_sent_at = invitee.updated_at = now
    Participant.objects.bulk_update(invitees, ["invitation_sent_at", "updated_at"])
    queue_messages(invitees, MessageKind.INVITATION, key=_invitation_key)
    sending.sort_by_channel(invitees)


@transaction.atomic
def _replace_links_part(pks, sending):
    people = _locked(pks)
    now = timezone.now()
    RetiredCheckinCode.objects.bulk_create(
        RetiredCheckinCode(participant=participant, digest=checkin_code_digest(participant.checkin_token), retired_at=now)
        for participant in people
        if participant.checkin_token
    )
    for participant in people:
        participant.access_token = new_access_token()
        # The old check-in code goes with the old link: a photo of either is no use any more.
        participant.checkin_token = new_checkin_token() if has_checkin_code(participant) else None
        participant.updated_at = now
    Participant.objects.bulk_update(people, ["access_token", "checkin_token", "updated_at"])
    # Still to answer: her invitation again, with the new link.
    invitees = [p for p in people if p.status == Status.INVITED and p.invitation_sent_at is not None]
    others = [p for p in people if p.status != Status.INVITED]
    sending.not_invited_yet += [p for p in people if p.status == Status.INVITED and p.invitation_sent_at is None]
    queue_messages(invitees, MessageKind.INVITATION, key=_invitation_key)
    queue_messages(others, MessageKind.NEW_LINK, key=lambda p: f"new_link:{p.pk}:{_link_digest(p)}")
    sending.sort_by_channel(invitees + others)


SEND_PART = {BulkSendKind.INVITATIONS: _send_invitations_part, BulkSendKind.NEW_LINKS: _replace_links_part}


def _invitation_key(participant):
    # One invitation per link.
    return f"invitation:{participant.pk}:{_link_digest(participant)}"


def checkin_code_digest(code):
    """What the door's phones hold of each code: enough to recognise it offline, useless to check anybody in."""
    return _digest(code)


def _link_digest(participant):
    # The outbox's keys and the confirmation links name a personal link by
    # a digest: neither is secret.
    return _digest(participant.access_token)


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# The door: checking people in, taking it back, and people who come unlisted.

# How long the door may take a check-in back (a wrong tap); later, an organiser does it in the admin.
UNDO_CHECK_IN_WITHIN = datetime.timedelta(minutes=1)
# A phone that was offline sends when each check-in was made; a phone's clock
# further off than this is not believed, and the time of arrival is used.
OFFLINE_AT_MOST = datetime.timedelta(hours=24)
CHECKED_IN_NOTE = "checked in"
WALKED_IN_NOTE = "walked in"


class CheckInOutcome(models.TextChoices):
    CHECKED_IN = "checked_in", gettext_lazy("Checked in")
    ALREADY = "already", gettext_lazy("Already checked in")


@dataclass
class CheckIn:
    outcome: str
    participant: Participant
    at: datetime.datetime
    by: object = None


class CodeProblem(models.TextChoices):
    """What is wrong with a code shown at the door (the door page says it in words)."""

    UNKNOWN = "unknown"
    REPLACED = "replaced"
    OTHER_EVENT = "other_event"
    NO_SEAT = "no_seat"


class CheckInRefused(Exception):
    def __init__(self, problem, participant=None, other_event=None):
        super().__init__(problem)
        self.problem = problem
        self.participant = participant
        self.other_event = other_event


class UndoTooLate(Exception):
    pass


def normalise_checkin_code(text):
    """The code as stored, from what the scanner read or a person typed ("kd4x-7 nq3ra")."""
    return "".join(character for character in text.upper() if character.isalnum())


def find_by_checkin_code(event, text):
    """The seat-holder whose code this is, or CheckInRefused saying what is wrong with it."""
    code = normalise_checkin_code(text)
    participant = Participant.objects.filter(checkin_token=code).select_related("event").first() if code else None
    if participant is None:
        retired = RetiredCheckinCode.objects.filter(digest=checkin_code_digest(code), participant__event=event).first()
        if retired is not None:
            raise CheckInRefused(CodeProblem.REPLACED, participant=retired.participant)
        raise CheckInRefused(CodeProblem.UNKNOWN)
    if participant.event_id != event.pk:
        raise CheckInRefused(CodeProblem.OTHER_EVENT, other_event=participant.event)
    if not has_checkin_code(participant):
        raise CheckInRefused(CodeProblem.NO_SEAT, participant=participant)
    return participant


def _believable(at, now):
    return at if at is not None and now - OFFLINE_AT_MOST <= at <= now else now


def _last_check_in(participant):
    return (
        participant.status_changes.filter(to_status=Status.ATTENDED)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
        .first()
    )


@transaction.atomic
def check_in(participant, *, by=None, at=None, now=None):
    """Check her in, once: a second check-in (another phone, a replay) says when and by whom she was.

    `at` is when the door checked her in, for a phone that sends it later.
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status == Status.ATTENDED:
        earlier = _last_check_in(participant)
        return CheckIn(
            CheckInOutcome.ALREADY, participant, earlier.changed_at if earlier else None, earlier.changed_by if earlier else None
        )
    at = _believable(at, now or timezone.now())
    change_status(participant, Status.ATTENDED, by=by, note=CHECKED_IN_NOTE, at=at)
    return CheckIn(CheckInOutcome.CHECKED_IN, participant, at, by)


@transaction.atomic
def undo_check_in(participant, *, by=None, now=None):
    """Take back a check-in made within the last minute; True if there was one to take back.

    A person added at the door leaves the list again (cancelled, counted nowhere).
    """
    now = now or timezone.now()
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status != Status.ATTENDED:
        return False
    earlier = _last_check_in(participant)
    if earlier is None or earlier.changed_at < now - UNDO_CHECK_IN_WITHIN:
        raise UndoTooLate
    back_to = Status.CANCELLED if participant.source == Source.WALK_IN else (earlier.from_status or Status.REGISTERED)
    change_status(participant, back_to, by=by, note="check-in taken back")
    return True


def add_walk_in(event, participant, *, by=None, key, at=None, now=None):
    """Add a person who came without being on the list, checked in at once. Safe to send twice (same key).

    `participant` is the unsaved person as the door's form made her. Returns
    (participant, created).
    """
    earlier = Participant.objects.filter(event=event, submission_key=key).first()
    if earlier is not None:
        return earlier, False
    participant.event = event
    participant.source = Source.WALK_IN
    participant.status = Status.ATTENDED
    participant.submission_key = key
    participant.registered_at = _believable(at, now or timezone.now())
    try:
        with transaction.atomic():
            participant.save()
            record_added(participant, by=by, how=WALKED_IN_NOTE, at=participant.registered_at)
    except IntegrityError:
        # The same form sent twice at once (the first one is she), or her
        # phone number given to someone else a moment ago.
        earlier = Participant.objects.filter(event=event, submission_key=key).first()
        if earlier is None:
            raise ValidationError(_("Somebody with this phone number is already on this event's list."), code="taken")
        return earlier, False
    return participant, True


# A person's rights over her data (Kyrgyz Law No. 58 asks for an answer within
# a week): organisers export everything held about her, and erase it. Erasing
# keeps her row, anonymous, because the reports count people by gender, age
# band, category, district, track and status; everything else about her goes.
KEPT_WHEN_ERASED = ("id", "event", "status", "source", "gender", "age_band", "category", "district", "track", "created_at")
# Fields of the record that are not information about her: the key of her
# personal link is a password, her check-in code a key as well, and the
# erasure's own record is the organisers'.
NOT_EXPORTED = frozenset(
    {"id", "access_token", "checkin_token", "name_folded", "submission_key", "erased_at", "erased_by"}
)


@dataclass
class DataTable:
    title: str
    headers: list
    rows: list


@dataclass
class PersonalData:
    """Everything held about one person, as text in her language, ready for a page or a file."""

    name: str
    event: str
    language: str
    generated_at: str
    details: list  # (label, value) pairs
    tables: list  # DataTable


def _shown(instance, field_name):
    model_field = instance._meta.get_field(field_name)
    value = getattr(instance, field_name)
    if model_field.choices:
        value = getattr(instance, f"get_{field_name}_display")()
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)


def _table(title, queryset, field_names, extra=()):
    """A table of records; `extra` adds (header, function of the record) columns after the fields."""
    model = queryset.model
    headers = [str(model._meta.get_field(name).verbose_name) for name in field_names]
    headers += [str(header) for header, _value in extra]
    rows = [
        [_shown(record, name) for name in field_names] + [value(record) for _header, value in extra] for record in queryset
    ]
    return DataTable(title=str(title), headers=headers, rows=rows)


def personal_data(participant):
    """Everything held about a person, in her language: her record, consents, history, messages, quotes, endorsements."""
    language = participant.site_language
    with translation.override(language):
        details = [
            (str(model_field.verbose_name), _shown(participant, model_field.name))
            for model_field in Participant._meta.concrete_fields
            if model_field.name not in NOT_EXPORTED
        ]
        tables = [
            _table(
                _("Consents"),
                participant.consents.order_by("recorded_at", "pk"),
                ["kind", "given", "text_version", "language", "method", "recorded_at"],
            ),
            _table(
                _("History"),
                participant.status_changes.order_by("changed_at", "pk"),
                ["changed_at", "from_status", "to_status", "note"],
            ),
            _table(
                _("Messages"),
                participant.messages.order_by("created_at", "pk"),
                ["created_at", "kind", "channel", "to_address", "status", "sent_at", "subject", "body_text", "body_sms"],
            ),
            _table(
                _("New addresses to confirm"),
                participant.address_changes.order_by("created_at", "pk"),
                ["created_at", "field", "address", "confirmed_at"],
            ),
            _table(
                _("Quotes"),
                participant.quotes.select_related("report__session").order_by("created_at", "pk"),
                ["created_at", "language", "text"],
                extra=[(_("session"), lambda quote: quote.report.session.title)],
            ),
            _table(
                _("Responses to recommendations"),
                participant.endorsements.select_related("recommendation").order_by("created_at", "pk"),
                ["updated_at", "endorses", "comment"],
                extra=[(_("recommendation"), lambda endorsement: endorsement.recommendation.text_in(language))],
            ),
        ]
        return PersonalData(
            name=str(participant),
            event=str(participant.event),
            language=language,
            generated_at=date_format(timezone.localtime(), "DATETIME_FORMAT"),
            details=details,
            tables=tables,
        )


@dataclass
class Erasure:
    """What erasing a person removes (or removed) besides her details: how many of each kind of record, by label."""

    removed: dict
    # Her seat or place on the waiting list, given up because the event is still ahead.
    cancels_registration: bool = False
    already_erased: bool = False


def _identifiers(participant):
    # Too short a phone fragment or name would match other people's text.
    values = (participant.full_name, participant.badge_name, participant.email, participant.phone)
    return [value for value in values if len(value) >= 4]


def _mentioning(queryset, text_field, identifiers):
    condition = Q()
    for identifier in identifiers:
        condition |= Q(**{f"{text_field}__icontains": identifier})
    return queryset.filter(condition) if condition else queryset.none()


def _drafts_mentioning(participant):
    # Half-typed reports are kept as JSON; its text shows names as typed.
    drafts = FormDraft.objects.annotate(typed=Cast("data", models.TextField()))
    return _mentioning(drafts, "typed", _identifiers(participant))


def _outcome_documents_quoting(participant):
    # Only quotes name a person in an outcome document (its figures are
    # counts); a file prepared while she was quoted must be prepared again.
    if not participant.quotes.exists():
        return OutcomeDocument.objects.none()
    return OutcomeDocument.objects.filter(event=participant.event_id)


# Where others' words may name her: what facilitators wrote of a session and
# the recommendations, with every earlier version of them.
NAME_ERASED = "[…]"
# (model, its text fields, the path from it to the event)
TEXTS_BY_OTHERS = [
    (SessionReport, ["key_points"], "session__event"),
    (
        Recommendation,
        ["text", "translation_en", "translation_ru", "translation_ky", "measure", "indicator", "not_retained_reason"],
        "session__event",
    ),
    (FollowUpUpdate, ["note"], "recommendation__session__event"),
]


def _is_searchable(participant):
    # A name this short would match other words.
    return len(participant.full_name) >= 4


def _texts_naming(participant):
    """(queryset, text fields) of the records of her event whose texts, or earlier versions, name her."""
    if not _is_searchable(participant):
        return []
    found = []
    for model, fields, to_event in TEXTS_BY_OTHERS:
        naming = Q()
        for name in fields:
            naming |= Q(**{f"{name}__contains": participant.full_name})
        # The earlier versions too, where the model keeps them.
        managers = (model.objects, model.history) if hasattr(model, "history") else (model.objects,)
        for manager in managers:
            found.append((manager.filter(naming, **{to_event: participant.event_id}), fields))
    return found


def erasure_plan(participant, *, now=None):
    """What erase_personal_data would remove, for the organiser's "are you sure?" page."""
    now = now or timezone.now()
    removed = {
        _("consents"): participant.consents.count(),
        _("steps of her history"): participant.status_changes.count(),
        _("replaced check-in codes"): participant.retired_checkin_codes.count(),
        _("new addresses to confirm"): participant.address_changes.count(),
        _("messages to her"): participant.messages.count(),
        _("quotes, with their earlier versions"): participant.quotes.count(),
        _("comments on recommendations"): participant.endorsements.exclude(comment="").count(),
        _("unsaved forms mentioning her"): _drafts_mentioning(participant).count(),
        _("outcome documents that quote her (prepare them again)"): _outcome_documents_quoting(participant).count(),
        _(
            "session reports, recommendations and follow-up notes, or earlier versions of them, that name her "
            "(the name becomes […])"
        ): sum(
            texts.count() for texts, _fields in _texts_naming(participant)
        ),
        _("published versions of the outcome that name her (the name becomes […])"): (
            outcome_versions_naming(participant.event, participant.full_name).count() if _is_searchable(participant) else 0
        ),
    }
    cancels = participant.erased_at is None and participant.event.ends_at > now and (
        participant.is_signed_up or participant.status == Status.INVITED
    )
    return Erasure(
        removed={label: count for label, count in removed.items() if count},
        cancels_registration=cancels,
        already_erased=participant.erased_at is not None,
    )


@transaction.atomic
def erase_personal_data(participant, *, by=None, now=None):
    """Erase everything held about a person but what the reports count. Safe to call twice.

    Before the event, her seat or place on the waiting list is given up first
    (the next person waiting takes the seat). Returns the Erasure it carried out.
    """
    now = now or timezone.now()
    _lock_event(participant.event)
    participant = Participant.objects.select_for_update().select_related("event").get(pk=participant.pk)
    if participant.erased_at is not None:
        return Erasure(removed={}, already_erased=True)
    plan = erasure_plan(participant, now=now)
    if plan.cancels_registration:
        held_seat = participant.holds_seat
        change_status(participant, Status.DECLINED if participant.status == Status.INVITED else Status.CANCELLED, by=by)
        if held_seat:
            promote_from_waitlist(participant.event)

    identifiers = _identifiers(participant)
    _outcome_documents_quoting(participant).delete()  # their files go with them (post_delete)
    _drafts_mentioning(participant).delete()
    for texts, fields in _texts_naming(participant):
        texts.update(**{name: Replace(name, Value(participant.full_name), Value(NAME_ERASED)) for name in fields})
    if _is_searchable(participant):
        erase_name_from_published_versions(participant.event, participant.full_name, NAME_ERASED)
    _forget_in_admin_log(participant, identifiers)
    quote_ids = list(participant.quotes.values_list("pk", flat=True))
    participant.quotes.all().delete()
    # Deleting a quote writes one more historical version of it: delete the history last.
    Quote.history.filter(Q(id__in=quote_ids) | Q(participant_id=participant.pk)).delete()
    participant.endorsements.update(comment="")
    # Her evaluation answers carry no link to her (evaluations.models.Response): only the record that she answered goes.
    participant.evaluations_answered.all().delete()
    participant.messages.all().delete()
    participant.consents.all().delete()
    participant.status_changes.all().delete()
    participant.retired_checkin_codes.all().delete()
    participant.address_changes.all().delete()

    for model_field in Participant._meta.concrete_fields:
        if model_field.name not in KEPT_WHEN_ERASED:
            setattr(participant, model_field.attname, model_field.get_default())
    participant.visibility = Visibility.COUNTED_ONLY
    participant.erased_at = now
    participant.erased_by = by
    participant.save()
    return plan


def _forget_in_admin_log(participant, identifiers):
    """The admin's log names each record it lists: her row, and every record that named her."""
    related = [
        (Participant, [participant.pk]),
        (Consent, participant.consents.values_list("pk", flat=True)),
        (StatusChange, participant.status_changes.values_list("pk", flat=True)),
        (Message, participant.messages.values_list("pk", flat=True)),
        (Quote, participant.quotes.values_list("pk", flat=True)),
        (Endorsement, participant.endorsements.values_list("pk", flat=True)),
    ]
    about_her = Q()
    for model, pks in related:
        about_her |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks])
    entries = LogEntry.objects.filter(about_her)
    entries = entries | _mentioning(LogEntry.objects.all(), "object_repr", identifiers)
    entries = entries | _mentioning(LogEntry.objects.all(), "change_message", identifiers)
    LogEntry.objects.filter(pk__in=entries.values("pk")).update(object_repr=_("Erased participant"), change_message="")


# About 0.1 s each (measured): a run stays well inside the task's time limit,
# and a longer backlog is finished by the following nights.
ERASURES_PER_RUN = 1000


def erase_after_retention(now=None):
    """Erase the people of events that ended more than PERSONAL_DATA_RETENTION_DAYS ago; returns how many.

    Beat runs it daily; each person is erased in her own transaction, and one
    already erased is skipped, so a second run (or two at once) does no harm.
    """
    now = now or timezone.now()
    ended_before = now - datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    due = Participant.objects.filter(erased_at__isnull=True, event__ends_at__lt=ended_before).select_related("event")
    return sum(
        not erase_personal_data(participant, now=now).already_erased
        for participant in due.order_by("pk")[:ERASURES_PER_RUN]
    )
