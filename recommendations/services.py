"""The recommendations' rules: who may write what, and how a recommendation moves from draft to decision.

Facilitators' pages, the admin's actions and the tests all call these, so
that every step checks the same allowed transitions and records who took it
(in the row itself and in its django-simple-history history).
"""

import datetime
import json
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agenda.models import Session
from dialogue_event.roles import ORGANISERS
from messaging.models import MessageKind
from messaging.services import queue_messages
from participants.models import Participant
from participants.privacy import Audience, named

from . import outcome, selectors
from .models import (
    Endorsement,
    FollowUpReminder,
    FollowUpUpdate,
    FormDraft,
    OutcomeDocument,
    OutcomePublication,
    OutcomeStatus,
    OutcomeVersion,
    Quote,
    Recommendation,
    SessionReport,
    quotable_participants,
)
from .models import RecommendationStatus as Status

logger = logging.getLogger(__name__)

# The statuses each step may start from.
ALLOWED_FROM = {
    "submit": {Status.DRAFT},
    "accept": {Status.SUBMITTED, Status.NOT_RETAINED},
    "merge": {Status.SUBMITTED, Status.ACCEPTED},
    "not_retain": {Status.SUBMITTED, Status.ACCEPTED},
}
# What a recommendation may be merged into: one still in the running.
MERGE_TARGET_STATUSES = {Status.SUBMITTED, Status.ACCEPTED}


class TransitionNotAllowed(ValidationError):
    pass


def sessions_for_reporting(user):
    """The sessions whose report a user may write: those they facilitate or report on; organisers, all of them.

    Every facilitators' page looks a session up in this queryset, so that
    another session's address, typed or tampered with, is simply not found.
    """
    sessions = Session.objects.filter(is_break=False).select_related("event", "track")
    if user.has_perm("agenda.view_every_session"):
        return sessions
    if not user.is_authenticated:
        return sessions.none()
    facilitated = Session.objects.filter(facilitators=user).values("pk")
    return sessions.filter(Q(pk__in=facilitated) | Q(rapporteur=user))


def report_is_open(session, now=None):
    """A session's results are written once it has started, not before."""
    return session.starts_at <= (now or timezone.now())


def _require_open_report(session):
    if not report_is_open(session):
        raise ValidationError(_("The report can be written once the session has started."))


def _require_organiser(user):
    if not user.has_perm("recommendations.review"):
        raise PermissionDenied(_("Only organisers review recommendations."))


class OutcomeFrozen(ValidationError):
    pass


def published_version(event):
    """The event's latest published final outcome, or None while none is published."""
    return OutcomeVersion.objects.filter(publication__event=event).order_by("-number").first()


def outcome_is_final(event):
    """The final outcome is published and no new version is started: the event's results cannot change."""
    version = published_version(event)
    return version is not None and version.next_version_started_at is None


def _require_changeable(event):
    # The publication row is locked (when there is one) so that a change and
    # the publishing of the final version happen one after the other: a
    # change can never slip in under a version being published.
    OutcomePublication.objects.select_for_update().filter(event=event).first()
    if outcome_is_final(event):
        raise OutcomeFrozen(
            _(
                "The final outcome of this event is published and can no longer change. "
                "To change it, an organiser starts a new version."
            )
        )


def _record(instance, by, reason):
    # django-simple-history reads these when the instance is saved.
    instance._history_user = by
    instance._change_reason = reason


def _lock(recommendation):
    """The recommendation, locked, once it is sure that its event's outcome may still change."""
    _require_changeable(Recommendation.objects.filter(pk=recommendation.pk).values_list("session__event", flat=True).get())
    return Recommendation.objects.select_for_update().select_related("session").get(pk=recommendation.pk)


def _check_transition(recommendation, step):
    if recommendation.status in ALLOWED_FROM[step]:
        return
    messages = {
        "submit": _("“%(recommendation)s” cannot be submitted: its status is “%(status)s”."),
        "accept": _("“%(recommendation)s” cannot be accepted: its status is “%(status)s”."),
        "merge": _("“%(recommendation)s” cannot be merged: its status is “%(status)s”."),
        "not_retain": _("“%(recommendation)s” cannot be set aside: its status is “%(status)s”."),
    }
    raise TransitionNotAllowed(
        messages[step] % {"recommendation": recommendation, "status": recommendation.get_status_display()}
    )


@transaction.atomic
def save_report(session, *, by, **fields):
    """Create or update a session's report with the given fields (key points, counts by gender)."""
    _require_open_report(session)
    _require_changeable(session.event_id)
    report = SessionReport.objects.select_for_update().filter(session=session).first() or SessionReport(session=session)
    for name, value in fields.items():
        setattr(report, name, value)
    report.updated_by = by
    _record(report, by, "report saved")
    report.save()
    return report


@transaction.atomic
def add_quote(session, *, by, participant, text, language):
    """Add a quote to the session's report; only a person whose latest media consent is yes can be quoted."""
    _require_open_report(session)
    _require_changeable(session.event_id)
    if not quotable_participants(session.event_id).filter(pk=participant.pk).exists():
        raise ValidationError({"participant": _("Only people of this event who agreed to be quoted can be quoted.")})
    report, _created = SessionReport.objects.get_or_create(session=session, defaults={"updated_by": by})
    quote = Quote(report=report, participant=participant, text=text, language=language, created_by=by)
    _record(quote, by, "quote added")
    quote.save()
    return quote


@transaction.atomic
def delete_quote(quote, *, by):
    _require_changeable(quote.report.session.event_id)
    _record(quote, by, "quote removed")
    quote.delete()


@transaction.atomic
def add_recommendation(session, *, by, addressees=(), target_groups=(), **fields):
    """A facilitator writes down a new recommendation; it starts as a draft."""
    _require_open_report(session)
    _require_changeable(session.event_id)
    recommendation = Recommendation(session=session, created_by=by, status=Status.DRAFT, **fields)
    recommendation.full_clean(exclude=["addressees", "target_groups"])
    _record(recommendation, by, "written")
    recommendation.save()
    recommendation.addressees.set(addressees)
    recommendation.target_groups.set(target_groups)
    return recommendation


@transaction.atomic
def edit_recommendation(recommendation, *, by, addressees=None, target_groups=None, **fields):
    """Change a draft. Once submitted, a recommendation is the organisers' to review, not to be rewritten."""
    recommendation = _lock(recommendation)
    if recommendation.status != Status.DRAFT:
        raise TransitionNotAllowed(_("Only a draft can be changed: this recommendation has been submitted."))
    for name, value in fields.items():
        setattr(recommendation, name, value)
    recommendation.full_clean(exclude=["addressees", "target_groups"])
    _record(recommendation, by, "edited")
    recommendation.save()
    if addressees is not None:
        recommendation.addressees.set(addressees)
    if target_groups is not None:
        recommendation.target_groups.set(target_groups)
    return recommendation


@transaction.atomic
def delete_draft(recommendation, *, by):
    """A facilitator throws away a draft (a duplicate, a slip); what was submitted stays for the record."""
    recommendation = _lock(recommendation)
    if recommendation.status != Status.DRAFT:
        raise TransitionNotAllowed(_("Only a draft can be deleted: this recommendation has been submitted."))
    _record(recommendation, by, "draft deleted")
    recommendation.delete()


@transaction.atomic
def submit(recommendation, *, by):
    """The facilitator hands a draft to the organisers for review."""
    recommendation = _lock(recommendation)
    _check_transition(recommendation, "submit")
    recommendation.status = Status.SUBMITTED
    recommendation.submitted_at = timezone.now()
    recommendation.submitted_by = by
    _record(recommendation, by, "submitted")
    recommendation.save()
    return recommendation


def _review(recommendation, by, status, reason):
    recommendation.status = status
    recommendation.reviewed_at = timezone.now()
    recommendation.reviewed_by = by
    _record(recommendation, by, reason)
    recommendation.save()
    return recommendation


@transaction.atomic
def accept(recommendation, *, by):
    """An organiser retains the recommendation for the outcome document."""
    _require_organiser(by)
    recommendation = _lock(recommendation)
    _check_transition(recommendation, "accept")
    recommendation.not_retained_reason = ""
    return _review(recommendation, by, Status.ACCEPTED, "accepted")


@transaction.atomic
def not_retain(recommendation, *, by, reason):
    """An organiser sets the recommendation aside, saying why."""
    _require_organiser(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the recommendation is not retained."))
    recommendation = _lock(recommendation)
    _check_transition(recommendation, "not_retain")
    recommendation.not_retained_reason = reason
    return _review(recommendation, by, Status.NOT_RETAINED, "not retained")


@transaction.atomic
def merge(recommendation, *, into, by):
    """An organiser folds a duplicate into another recommendation of the same event; it keeps a link to it."""
    _require_organiser(by)
    _require_changeable(recommendation.session.event_id)
    # Both rows locked in a fixed order, so two organisers merging a pair either way round cannot deadlock.
    locked = {
        row.pk: row
        for row in Recommendation.objects.select_for_update()
        .select_related("session")
        .filter(pk__in=[recommendation.pk, into.pk])
        .order_by("pk")
    }
    recommendation, into = locked[recommendation.pk], locked[into.pk]
    _check_transition(recommendation, "merge")
    if into.pk == recommendation.pk:
        raise TransitionNotAllowed(_("A recommendation cannot be merged into itself."))
    if into.session.event_id != recommendation.session.event_id:
        raise TransitionNotAllowed(_("Recommendations can only be merged with one of the same event."))
    if into.status not in MERGE_TARGET_STATUSES:
        raise TransitionNotAllowed(
            _("“%(recommendation)s” cannot be merged into: its status is “%(status)s”. Choose a submitted or accepted one.")
            % {"recommendation": into, "status": into.get_status_display()}
        )
    recommendation.merged_into = into
    recommendation.not_retained_reason = ""
    return _review(recommendation, by, Status.MERGED, f"merged into #{into.pk}")


def form_draft(user, key):
    return FormDraft.objects.filter(user=user, key=key).first()


def save_form_draft(user, key, data):
    """Keep what a person typed, valid or not, until they save it for real."""
    draft, _created = FormDraft.objects.update_or_create(user=user, key=key, defaults={"data": data})
    return draft


def discard_form_draft(user, key):
    FormDraft.objects.filter(user=user, key=key).delete()


def request_outcome_document(event, *, language, format, by):
    """An organiser asks for the outcome document in one language and format; a worker draws it.

    Asking again while the same document is still waiting gives that one back:
    it will be drawn from the data as it is when the worker gets to it.
    """
    from .tasks import generate_outcome_document

    _require_organiser(by)
    with transaction.atomic():
        document = OutcomeDocument.objects.filter(
            event=event, language=language, format=format, status=OutcomeStatus.QUEUED
        ).first()
        if document is None:
            document = OutcomeDocument.objects.create(event=event, language=language, format=format, requested_by=by)
        # robust: a Redis outage must not turn the request into an error page;
        # the organiser sees the document waiting and can ask again.
        transaction.on_commit(lambda: generate_outcome_document.delay(document.pk), robust=True)
    return document


@transaction.atomic
def requeue_outcome_document(document, *, by):
    """Draw a document again (after it failed, or its message was lost), from the data as it is now."""
    from .tasks import generate_outcome_document

    _require_organiser(by)
    document = OutcomeDocument.objects.select_for_update().get(pk=document.pk)
    document.status, document.error, document.finished_at = OutcomeStatus.QUEUED, "", None
    document.requested_by = by
    document.save(update_fields=["status", "error", "finished_at", "requested_by"])
    transaction.on_commit(lambda: generate_outcome_document.delay(document.pk), robust=True)
    return document


def generate_outcome_document(document_id):
    """Draw one waiting document. Safe to run twice: a document that is ready, failed or being drawn is left alone."""
    with transaction.atomic():
        document = (
            OutcomeDocument.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .filter(pk=document_id, status=OutcomeStatus.QUEUED)
            .first()
        )
        if document is None:
            return None
        try:
            with transaction.atomic():
                content = shown_outcome(document.event, document.language)
                data = outcome.render(content, document.format)
        except Exception as error:  # Whatever broke, the organiser sees "failed" rather than a document waiting forever.
            logger.exception("Outcome document %s could not be generated", document_id)
            document.status, document.error = OutcomeStatus.FAILED, f"{type(error).__name__}: {error}"[:2000]
        else:
            old_file = document.file.name if document.file else ""
            document.file.save(outcome.file_name(content, document.format), ContentFile(data), save=False)
            if old_file and old_file != document.file.name:
                document.file.storage.delete(old_file)
            document.status, document.error, document.version = OutcomeStatus.READY, "", content.version
        document.finished_at = timezone.now()
        document.save()
        return document


# Participants' validation: the draft outcome goes to the people who took part (who held a seat or came,
# not those who declined or were only invited), then the final version goes public.


def outcome_publication(event):
    """The event's publication state, or None while organisers have published nothing."""
    return OutcomePublication.objects.filter(event=event).first()


@transaction.atomic
def publish_draft(event, *, closes_at, by):
    """Show the accepted recommendations to the event's participants, who may respond until closes_at.

    Publishing again moves the closing date (to extend or shorten the period).
    """
    _require_organiser(by)
    if closes_at <= timezone.now():
        raise ValidationError(_("The closing date must be in the future."))
    publication, _created = OutcomePublication.objects.select_for_update().get_or_create(event=event)
    if publication.final_published_at:
        raise ValidationError(_("The final version is already published."))
    publication.draft_published_at = publication.draft_published_at or timezone.now()
    publication.comments_close_at = closes_at
    publication.updated_by = by
    publication.save()
    tell_draft_published(publication)
    return publication


@transaction.atomic
def publish_final(event, *, by):
    """Publish the final outcome on the event's public page, as it stands now; participants' responses close with it.

    What is published is kept as a new version: from then on the public page
    and the documents show that version, and the event's reports, quotes and
    recommendations cannot change until an organiser starts a new version.
    """
    _require_organiser(by)
    publication, _created = OutcomePublication.objects.select_for_update().get_or_create(event=event)
    latest = published_version(event)
    if latest is not None and latest.next_version_started_at is None:
        raise ValidationError(
            _("The final version is already published. To change it, start a new version, then publish again.")
        )
    now = timezone.now()
    version = OutcomeVersion.objects.create(
        publication=publication,
        number=version_in_preparation(event),
        content=outcome.snapshot(event),
        published_at=now,
        published_by=by,
    )
    publication.final_published_at = now
    if publication.comments_close_at is None or publication.comments_close_at > now:
        publication.comments_close_at = now
    publication.updated_by = by
    publication.save()
    tell_final_published(version)
    return publication


@transaction.atomic
def start_new_version(event, *, by):
    """Let the event's reports and recommendations change again, towards a new version of the final outcome.

    The published version stays on the public page until the new one is published.
    """
    _require_organiser(by)
    OutcomePublication.objects.select_for_update().filter(event=event).first()
    version = published_version(event)
    if version is None:
        raise ValidationError(_("No final outcome is published yet: it can still be changed."))
    if version.next_version_started_at is not None:
        raise ValidationError(_("A new version is already being prepared."))
    version.next_version_started_at = timezone.now()
    version.next_version_started_by = by
    version.save(update_fields=["next_version_started_at", "next_version_started_by"])
    return version


def version_in_preparation(event):
    """The number the event's next published final outcome will bear: the version its draft now shows."""
    latest = published_version(event)
    return latest.number + 1 if latest else 1


# Telling the participants. Each message is owed once per person and version
# (the outbox's key), so that publishing the draft again, to move its closing
# date or after it was withdrawn, messages nobody twice, while a new version's
# draft and final outcome are news again. A message names only its recipient.

# Those who have not answered are reminded this long before the draft closes.
DRAFT_REMINDER_BEFORE = datetime.timedelta(days=3)


def entitled_to_answer(event):
    """The people who may answer the event's draft outcome (as endorse decides): those who held a seat or came."""
    return Participant.objects.filter(event=event).holding_seats().select_related("event", "track")


def tell_draft_published(publication):
    """Owe each person entitled to answer the draft a message with its closing date and her personal link."""
    version = version_in_preparation(publication.event)
    return queue_messages(
        list(entitled_to_answer(publication.event)),
        MessageKind.DRAFT_OUTCOME,
        key=lambda participant: f"draft_outcome:{participant.pk}:{version}",
        extra_context={"publication": publication},
    )


def tell_final_published(version):
    """Owe each person entitled to answer the draft a message with the public page of the published version."""
    event = version.publication.event
    return queue_messages(
        list(entitled_to_answer(event)),
        MessageKind.OUTCOME_PUBLISHED,
        key=lambda participant: f"outcome_published:{participant.pk}:{version.number}",
        extra_context={"version": version, "site_url": settings.SITE_URL},
    )


def send_draft_reminders(now=None):
    """Remind those who have not answered an open draft, three days before it closes; once each per version.

    Beat may run this as often as it likes. A draft shown less than three days
    before its closing date has no reminder: its own message is still fresh.
    """
    now = now or timezone.now()
    written = 0
    publications = OutcomePublication.objects.filter(
        final_published_at__isnull=True,
        comments_close_at__gt=now,
        comments_close_at__lte=now + DRAFT_REMINDER_BEFORE,
        draft_published_at__lte=F("comments_close_at") - DRAFT_REMINDER_BEFORE,
    ).select_related("event")
    for publication in publications:
        version = version_in_preparation(publication.event)
        answered = Endorsement.objects.filter(recommendation__session__event=publication.event).values("participant")
        with transaction.atomic():
            written += len(
                queue_messages(
                    list(entitled_to_answer(publication.event).exclude(pk__in=answered)),
                    MessageKind.DRAFT_OUTCOME_REMINDER,
                    key=lambda participant, version=version: f"draft_reminder:{participant.pk}:{version}",
                    extra_context={"publication": publication},
                )
            )
    return written


def published_versions_naming(event, name):
    """The event's published versions whose texts (key points, recommendations) contain a name."""
    return OutcomeVersion.objects.annotate(text=Cast("content", TextField())).filter(
        publication__event=event, text__contains=name
    )


@transaction.atomic
def erase_name_from_published_versions(event, name, replacement):
    """Replace a name in the texts of the event's published versions, as in the records they were drawn from.

    For erasing a person: a version keeps no quote and no name of its own,
    but the words facilitators wrote may name her.
    """
    escaped = json.dumps(name, ensure_ascii=False)[1:-1]  # as the name is written inside the stored JSON
    for version in published_versions_naming(event, name).select_for_update():
        text = json.dumps(version.content, ensure_ascii=False)
        version.content = json.loads(text.replace(escaped, json.dumps(replacement, ensure_ascii=False)[1:-1]))
        version.save(update_fields=["content"])


def shown_outcome(event, language):
    """The outcome as the event's public page and documents show it (its `version` says which one, if published).

    While the final outcome stands, that is the published version; while a
    first or a new version is being prepared, the outcome as it is now.
    """
    version = published_version(event)
    if version is not None and version.next_version_started_at is None:
        return outcome.published(version, language)
    return outcome.gather(event, language)


@transaction.atomic
@transaction.atomic
def endorse_all(participant, answers):
    """Her answers to several recommendations sent together ({recommendation: (endorses, comment)}): all or none."""
    return [
        endorse(participant, recommendation, endorses=endorses, comment=comment)
        for recommendation, (endorses, comment) in answers.items()
    ]


def endorse(participant, recommendation, *, endorses, comment=""):
    """A participant agrees or not with one accepted recommendation of her event; answering again replaces the answer."""
    # Locked, so that two answers sent at once by the same person make one row, and her status is read as it is now.
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not participant.holds_seat:
        raise PermissionDenied(_("Only registered participants can respond to the draft outcome."))
    recommendation = Recommendation.objects.select_related("session").get(pk=recommendation.pk)
    if recommendation.session.event_id != participant.event_id or recommendation.status != Status.ACCEPTED:
        raise PermissionDenied(_("This recommendation is not part of your event's draft outcome."))
    publication = OutcomePublication.objects.filter(event_id=participant.event_id).first()
    if publication is None or not publication.draft_published_at:
        raise ValidationError(_("The draft outcome is not published yet."))
    if not publication.is_open():
        closed_at = timezone.localtime(publication.final_published_at or publication.comments_close_at)
        raise ValidationError(
            _(
                "Answers to the draft outcome closed on %(date)s, so this answer could not be saved. Thank you "
                "all the same: the final outcome will be on the event's page."
            )
            % {"date": date_format(closed_at, "DATE_FORMAT")}
        )
    endorsement = Endorsement.objects.filter(recommendation=recommendation, participant=participant).first() or Endorsement(
        recommendation=recommendation, participant=participant
    )
    endorsement.endorses = endorses
    endorsement.comment = (comment or "").strip()
    endorsement.full_clean(exclude=["recommendation", "participant"])
    endorsement.save()
    return endorsement


# Follow-up: where each accepted recommendation stands in the National Action Plan process, reported half-yearly.


def check_follow_up(recommendation, *, status, date, body=None, evidence_url="", evidence_file=None, note=""):
    """Refuse an update its status cannot have: a missing body, evidence or reason, a future date, a protected name.

    The note is shown on the public follow-up page, so it may not name anybody
    of the event whom the public may not see named.
    """
    errors = {}
    if not selectors.followed_recommendations().filter(pk=recommendation.pk).exists():
        raise ValidationError(
            _("Only accepted recommendations of an event whose final outcome is published are followed up.")
        )
    if status.needs_body and body is None:
        errors["body"] = _("“%(status)s” needs the responsible body.") % {"status": status}
    if status.needs_evidence and not (evidence_url or evidence_file):
        errors["evidence_url"] = _("“%(status)s” needs evidence: a link or a document.") % {"status": status}
    if status.needs_reason and not (note or "").strip():
        errors["note"] = _("“%(status)s” needs a reason: say why in the note.") % {"status": status}
    if date and date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    if note and _names_a_protected_person(recommendation, note):
        errors["note"] = _("The note names a participant who may not be named in public. Leave her name out.")
    if errors:
        raise ValidationError(errors)


def _names_a_protected_person(recommendation, text):
    people = Participant.objects.filter(event_id=recommendation.session.event_id)
    protected = people.exclude(pk__in=named(people, Audience.PUBLIC).values("pk")).values_list("full_name", flat=True)
    text = text.casefold()
    return any(name.strip() and name.strip().casefold() in text for name in protected)


@transaction.atomic
def record_follow_up(recommendation, *, by, status, date=None, body=None, evidence_url="", evidence_file=None, note=""):
    """An organiser records where an accepted recommendation now stands; the next update is due six months on."""
    _require_organiser(by)
    recommendation = Recommendation.objects.select_for_update().select_related("session").get(pk=recommendation.pk)
    date = date or timezone.localdate()
    note = (note or "").strip()
    check_follow_up(
        recommendation, status=status, date=date, body=body, evidence_url=evidence_url, evidence_file=evidence_file, note=note
    )
    update = FollowUpUpdate(
        recommendation=recommendation,
        status=status,
        date=date,
        body=body,
        evidence_url=evidence_url or "",
        note=note,
        recorded_by=by,
    )
    if evidence_file:
        update.evidence_file = evidence_file
    update.full_clean()
    update.save()
    return update


def send_follow_up_reminders(today=None):
    """Email the organisers the recommendations whose half-yearly update is due: once for each due date.

    Each reminder is remembered in the transaction that sends the email, so a
    failed send is tried again by the next run and a sent one never is.
    Returns how many recommendations the email named.
    """
    today = today or timezone.localdate()
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=ORGANISERS)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    due = selectors.update_due(selectors.followed_recommendations(), on=today).select_related("session__event")
    with transaction.atomic():
        reminded = []
        for recommendation in due.order_by("last_reported_on", "pk"):
            due_on = selectors.next_update_due(recommendation)
            _reminder, created = FollowUpReminder.objects.get_or_create(recommendation=recommendation, due_on=due_on)
            if created:
                reminded.append((recommendation, due_on))
        if reminded:
            with translation.override(settings.LANGUAGE_CODE):
                items = [
                    {
                        "event": recommendation.event.title,
                        "text": recommendation.text_in(settings.LANGUAGE_CODE),
                        "due_on": due_on,
                        "url": settings.SITE_URL
                        + reverse("admin:recommendations_recommendationfollowup_change", args=[recommendation.pk]),
                    }
                    for recommendation, due_on in reminded
                ]
                subject = _("Follow-up of recommendations: an update is due")
                body = render_to_string("recommendations/email/follow_up_due.txt", {"items": items})
            send_mail(subject, body, None, recipients)
    return len(reminded)
