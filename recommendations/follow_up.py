"""The public follow-up tracker: where each published recommendation stands, as the outcome published it.

Like outcome.py, `gather` reads everything once into plain data and the page
and the CSV/XLSX files only lay it out. The recommendations are the rows of
each event's published outcome version, in its published wording: nothing the
outcome does not show publicly is shown here, and nobody it does not name is
named. Who recorded an update stays in the admin.
"""

from dataclasses import dataclass, field

import tablib
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participants.resources import CSV, XLSX

from . import outcome, services
from .models import Addressee, FollowUpStatus, FollowUpUpdate, Recommendation


@dataclass
class Step:
    date: str
    status: str
    body: str
    evidence_url: str
    evidence_file_url: str
    note: str


@dataclass
class TrackedRecommendation:
    event: str
    event_slug: str
    number: str
    text: str
    framework_area: str
    body: str
    body_ids: set
    status: str  # "" while no update is recorded.
    status_id: int = None
    is_final: bool = False
    since: str = ""
    history: list = field(default_factory=list)  # Latest first.


@dataclass
class StatusCount:
    status: str
    count: int
    status_id: int = None


@dataclass
class Tracker:
    language: str
    rows: list
    summary: list
    progress: int  # Per cent: the average progress of the rows' latest statuses.

    @property
    def total(self):
        return len(self.rows)


def published_events(events):
    """(event, published version) for the events whose final outcome is published."""
    published = []
    for event in events:
        version = services.published_version(event)
        if version is not None:
            published.append((event, version))
    return published


def gather(events, language):
    """The published recommendations of these events with their follow-up, and a summary of them."""
    with translation.override(language):
        rows = []
        for event, version in published_events(events):
            rows += _rows(event, outcome.published(version, language))
        return _tracker(language, rows)


def filtered(tracker, *, event="", area="", body=None, status=None):
    """The tracker's rows of one event (slug), area, body and status (a FollowUpStatus id, 0: no update yet), summed up again."""
    rows = [
        row
        for row in tracker.rows
        if (not event or row.event_slug == event)
        and (not area or row.framework_area == area)
        and (body is None or body in row.body_ids)
        and (status is None or (row.status_id or 0) == status)
    ]
    with translation.override(tracker.language):
        return _tracker(tracker.language, rows)


def _tracker(language, rows):
    return Tracker(language=language, rows=rows, summary=_summary(rows), progress=_progress(rows))


def _rows(event, content):
    pks = [row.pk for row in content.recommendations if row.pk]
    updates = {}
    for update in FollowUpUpdate.objects.filter(recommendation__in=pks).select_related("status", "body"):
        updates.setdefault(update.recommendation_id, []).append(update)  # Latest first, as the model orders them.
    addressees = {}
    for pk, addressee_id in Recommendation.addressees.through.objects.filter(recommendation__in=pks).values_list(
        "recommendation_id", "addressee_id"
    ):
        addressees.setdefault(pk, set()).add(addressee_id)
    rows = []
    for published in content.recommendations:
        history = updates.get(published.pk, [])
        latest = history[0] if history else None
        rows.append(
            TrackedRecommendation(
                event=content.title,
                event_slug=event.slug,
                number=published.number,
                text=published.text,
                framework_area=published.framework_area,
                body=latest.body.name if latest and latest.body else published.addressees,
                body_ids={latest.body_id} if latest and latest.body else addressees.get(published.pk, set()),
                status=latest.status.name if latest else "",
                status_id=latest.status_id if latest else None,
                is_final=latest.status.is_final if latest else False,
                since=date_format(latest.date, "DATE_FORMAT") if latest else "",
                history=[_step(event, update) for update in history],
            )
        )
    return rows


def _step(event, update):
    return Step(
        date=date_format(update.date, "DATE_FORMAT"),
        status=update.status.name,
        body=update.body.name if update.body else "",
        evidence_url=update.evidence_url,
        evidence_file_url=reverse("recommendations:follow_up_evidence", kwargs={"slug": event.slug, "pk": update.pk})
        if update.evidence_file
        else "",
        note=update.note,
    )


def _summary(rows):
    counts = {}
    for row in rows:
        counts[row.status_id] = counts.get(row.status_id, 0) + 1
    summary = [StatusCount(_("No update yet"), counts[None], 0)] if counts.get(None) else []
    for status in FollowUpStatus.objects.all():
        if counts.get(status.pk):
            summary.append(StatusCount(status.name, counts[status.pk], status.pk))
    return summary


def _progress(rows):
    if not rows:
        return 0
    weights = dict(FollowUpStatus.objects.values_list("pk", "progress"))
    return round(sum(weights.get(row.status_id, 0) for row in rows) / len(rows))


def filter_choices(tracker):
    """What the filters offer: the areas and bodies of the tracker's recommendations, and every status."""
    body_ids = set().union(*(row.body_ids for row in tracker.rows))
    with translation.override(tracker.language):
        return (
            sorted({row.framework_area for row in tracker.rows}),
            [(addressee.pk, addressee.name) for addressee in Addressee.objects.filter(pk__in=body_ids)],
            [(0, _("No update yet"))] + [(status.pk, status.name) for status in FollowUpStatus.objects.all()],
        )


# The table as a file: the same rows, one per recommendation, with its history in one cell.


def _columns():
    return [
        ("event", _("Event")),
        ("number", _("No.")),
        ("framework_area", _("Framework area")),
        ("text", _("Recommendation")),
        ("body", _("Responsible body")),
        ("status", _("Status")),
        ("since", _("Since")),
        ("history", _("History")),
    ]


def _history_text(row):
    lines = []
    for step in row.history:
        parts = [f"{step.date}: {step.status}"] + [part for part in (step.body, step.evidence_url, step.note) if part]
        lines.append(" — ".join(parts))
    return "\n".join(lines)


def _dataset(tracker):
    with translation.override(tracker.language):
        columns = _columns()
        dataset = tablib.Dataset(headers=[label for _name, label in columns], title=_("Follow-up")[:31])
        for row in tracker.rows:
            values = {**row.__dict__, "status": row.status or _("No update yet"), "history": _history_text(row)}
            dataset.append([values[name] for name, _label in columns])
    return dataset


def render_csv(tracker):
    # With a byte-order mark, Excel opens the Cyrillic text as UTF-8.
    return ("\ufeff" + CSV().export_data(_dataset(tracker))).encode("utf-8")


def render_xlsx(tracker):
    return XLSX().export_data(_dataset(tracker))


RENDERERS = {"csv": (render_csv, "text/csv; charset=utf-8"), "xlsx": (render_xlsx, XLSX().get_content_type())}
