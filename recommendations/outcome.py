"""The outcome document: an event's accepted recommendations, as organisers hand them to decision makers.

`gather` reads everything the document says once, in one language, into
plain data; each renderer (PDF, DOCX, CSV, XLSX) only lays that data out, so
the four files never disagree and none of them queries the database.

Nobody is named in the figures: people marked at risk are counted with the
others. Quotes are attached last (`attach_quotes`), through the privacy policy
of participants/privacy.py, each time the content is shown: a quote appears
only while its speaker may be quoted, under the name the public may see. A
published version (`snapshot`, `published`) keeps everything else as it was
published, and keeps of its quotes only their ids.
"""

import io
from collections import Counter
from dataclasses import asdict, dataclass, field

import tablib
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from django.conf import settings

from agenda.selectors import DEFAULT_COLOUR, DocumentLogo, document_colour, document_logos
from participants import report as participation_report
from participants.privacy import (
    SMALL_CELL,
    Appearance,
    Audience,
    appearance,
    count_or_hidden,
    publishable_count,
    publishable_counts,
    shown_name,
)
from participants.resources import CSV, XLSX

from .models import Framework, OutcomeFormat, Quote, Recommendation, RecommendationStatus, SessionReport


@dataclass
class Figure:
    label: str
    count: int = None  # None: fewer than SMALL_CELL people, hidden.

    @property
    def shown(self):
        return count_or_hidden(self.count)


@dataclass
class Participation:
    attended: bool  # False: nobody is checked in yet, so these are the registered participants.
    total: int  # None when fewer than SMALL_CELL people: then every figure is hidden.
    by_gender: list
    by_category: list
    by_district: list


@dataclass
class SessionSummary:
    title: str
    time: str
    key_points: str
    people: str
    quote_ids: list = field(default_factory=list)  # Kept in a published version, instead of the quotes themselves.
    quotes: list = field(default_factory=list)  # Attached when shown: [{"text": ..., "who": ...}].


@dataclass
class TrackSummary:
    title: str
    sessions: list


@dataclass
class RecommendationRow:
    number: str
    text: str
    original: str  # The words as said, when the document gives a translation.
    original_language: str
    measure: str
    indicator: str
    framework_area: str
    addressees: str
    target_groups: str
    scope: str
    timeframe: str
    priority: str
    track: str
    session: str
    also_from: str  # The sessions whose duplicates were merged into this one.
    pk: int = None  # For pages that act on a row (participants' endorsements); no file shows it.


@dataclass
class AddresseeGroup:
    addressees: str
    recommendations: list


@dataclass
class AreaGroup:
    title: str
    groups: list


@dataclass
class OutcomeContent:
    language: str
    title: str
    theme: str
    purpose: str
    date: str
    venue: str
    host: str
    partners: list
    funder: str
    funded_project: str
    framework: str
    participation: Participation
    tracks: list
    areas: list
    recommendations: list
    generated_at: str
    slug: str
    version: int = None  # The published version shown, or None for the outcome as it stands now.
    published_at: str = ""
    # The event's identity; a version published before events had one has neither.
    colour: str = DEFAULT_COLOUR
    logos: list = field(default_factory=list)  # DocumentLogo


def gather(event, language):
    """Everything the outcome document says, read from the database once, in one language."""
    return attach_quotes(_gather(event, language))


def snapshot(event):
    """The outcome as it stands now in every language, as data to keep in a published version (no quote, no name)."""
    data = {}
    for language, _name in settings.LANGUAGES:
        content = asdict(_gather(event, language))
        for track in content["tracks"]:
            for session in track["sessions"]:
                del session["quotes"]
        data[language] = content
    return data


def published(version, language):
    """What a published version says in a language, with the quotes that may still be shown."""
    data = version.content.get(language) or version.content[settings.LANGUAGE_CODE]
    content = _from_data(data)
    with translation.override(content.language):
        content.version = version.number
        content.published_at = date_format(timezone.localtime(version.published_at), "DATE_FORMAT")
        content.generated_at = date_format(timezone.localtime(), "DATETIME_FORMAT")
    return attach_quotes(content)


def _from_data(data):
    participation = data["participation"]
    rows = [RecommendationRow(**row) for row in data["recommendations"]]
    by_number = {row.number: row for row in rows}  # The areas list the same rows, as in gathered content.
    return OutcomeContent(
        **{
            **data,
            "participation": Participation(
                **{
                    **participation,
                    **{key: [Figure(**f) for f in participation[key]] for key in ("by_gender", "by_category", "by_district")},
                }
            ),
            "tracks": [
                TrackSummary(title=track["title"], sessions=[SessionSummary(**session) for session in track["sessions"]])
                for track in data["tracks"]
            ],
            "areas": [
                AreaGroup(
                    title=area["title"],
                    groups=[
                        AddresseeGroup(group["addressees"], [by_number[row["number"]] for row in group["recommendations"]])
                        for group in area["groups"]
                    ],
                )
                for area in data["areas"]
            ],
            "recommendations": rows,
            "logos": [DocumentLogo(**logo) for logo in data.get("logos", [])],
        }
    )


def attach_quotes(content):
    """Put in each session's quotes those whose speaker may be quoted now, named only if the public may know her.

    A session that only had quotes, none of which may be shown any more, is left out.
    """
    ids = [quote_id for track in content.tracks for session in track.sessions for quote_id in session.quote_ids]
    quotes = Quote.objects.publishable().filter(pk__in=ids).select_related("participant__category")
    with translation.override(content.language):
        shown = {quote.pk: {"text": quote.text, "who": _speaker(quote.participant)} for quote in quotes}
    tracks = []
    for track in content.tracks:
        sessions = []
        for session in track.sessions:
            session.quotes = [shown[quote_id] for quote_id in session.quote_ids if quote_id in shown]
            if session.key_points or session.people or session.quotes:
                sessions.append(session)
        if sessions:
            tracks.append(TrackSummary(title=track.title, sessions=sessions))
    content.tracks = tracks
    return content


def _speaker(participant):
    # Her category only beside her name: beside "a participant" it could point to her in a small group.
    who = shown_name(participant, Audience.PUBLIC)
    if participant.category and appearance(participant, Audience.PUBLIC) == Appearance.NAMED:
        who = f"{who}, {participant.category.name}"
    return who


def _gather(event, language):
    with translation.override(language):
        framework = Framework.for_event(event)
        rows, areas = _recommendations(event, language, framework)
        date = event.dates_display()
        return OutcomeContent(
            language=language,
            title=event.title,
            theme=event.theme,
            purpose=event.purpose,
            date=date,
            venue=", ".join(part for part in (event.venue, event.address or event.city) if part),
            host=event.host_organisation,
            partners=event.partner_organisation_list,
            funder=event.funder,
            funded_project=event.funded_project,
            framework=framework.name if framework else "",
            participation=_participation(event),
            tracks=_tracks(event),
            areas=areas,
            recommendations=rows,
            generated_at=date_format(timezone.localtime(), "DATETIME_FORMAT"),
            slug=event.slug,
            colour=document_colour(event),
            logos=document_logos(event),
        )


def _participation(event):
    # The same people and labels as the participation report; small cells hidden, as the document is public.
    attended, people = participation_report.took_part(event)
    dimensions = {key: (label, order) for key, _title, label, order in participation_report.dimensions()}

    def figures(key):
        label, order = dimensions[key]
        counts = Counter(label(p) for p in people)
        labels = sorted(counts, key=order)
        shown = publishable_counts([counts[name] for name in labels])
        return [Figure(name, count) for name, count in zip(labels, shown)]

    return Participation(
        attended=attended,
        total=publishable_count(len(people)),
        by_gender=figures("sex"),
        by_category=figures("category"),
        by_district=figures("district"),
    )


def _people(report):
    counts = [
        (report.women_count, ngettext("%(count)s woman", "%(count)s women", report.women_count or 0)),
        (report.men_count, ngettext("%(count)s man", "%(count)s men", report.men_count or 0)),
        (report.other_count, ngettext("%(count)s other or not said", "%(count)s other or not said", report.other_count or 0)),
    ]
    return ", ".join(label % {"count": count} for count, label in counts if count)


def _tracks(event):
    reports = (
        SessionReport.objects.filter(session__event=event)
        .select_related("session__track")
        .order_by("session__track__order", "session__track", "session__starts_at", "pk")
    )
    quotes = {}
    for quote_id, report_id in Quote.objects.publishable().filter(report__session__event=event).values_list("pk", "report_id"):
        quotes.setdefault(report_id, []).append(quote_id)
    tracks = {}
    for report in reports:
        if not (report.key_points.strip() or report.participant_count or report.pk in quotes):
            continue
        session = report.session
        title = session.track.title if session.track else _("Plenary")
        tracks.setdefault(title, []).append(
            SessionSummary(
                title=session.title,
                time=date_format(timezone.localtime(session.starts_at), "TIME_FORMAT"),
                key_points=report.key_points.strip(),
                people=_people(report),
                quote_ids=quotes.get(report.pk, []),
            )
        )
    return [TrackSummary(title=title, sessions=sessions) for title, sessions in tracks.items()]


def _recommendations(event, language, framework):
    accepted = (
        Recommendation.objects.for_event(event)
        .filter(status=RecommendationStatus.ACCEPTED)
        .select_related("session__track", "framework_area__framework")
        .prefetch_related("addressees", "target_groups", "merged_from__session")
    )
    no_area, no_addressee = _("No framework area given"), _("No addressee given")

    def area_key(recommendation):
        area = recommendation.framework_area
        if area is None:
            return (2, 0, "")
        # Areas of the event's own framework first, in the plan's order.
        return (0 if area.framework_id == getattr(framework, "pk", None) else 1, area.order, area.number)

    def addressee_key(recommendation):
        addressees = sorted(recommendation.addressees.all(), key=lambda a: (a.order, a.name))
        return tuple((a.order, a.name) for a in addressees) or ((10**6, no_addressee),)

    ordered = sorted(
        accepted,
        key=lambda r: (area_key(r), addressee_key(r), r.session.track.order if r.session.track else -1, r.created_at, r.pk),
    )
    areas, rows = {}, []
    for number, recommendation in enumerate(ordered, start=1):
        row = _row(recommendation, number, language, no_area)
        rows.append(row)
        groups = areas.setdefault(row.framework_area, {})
        groups.setdefault(row.addressees or no_addressee, []).append(row)
    return rows, [
        AreaGroup(title=title, groups=[AddresseeGroup(name, items) for name, items in groups.items()])
        for title, groups in areas.items()
    ]


def _row(recommendation, number, language, no_area):
    session = recommendation.session
    text = recommendation.text_in(language)
    merged_sessions = sorted({str(duplicate.session) for duplicate in recommendation.merged_from.all()} - {str(session)})
    return RecommendationRow(
        number=f"R{number}",
        text=text,
        original=recommendation.text if text != recommendation.text else "",
        original_language=recommendation.get_language_display(),
        measure=recommendation.measure,
        indicator=recommendation.indicator,
        framework_area=str(recommendation.framework_area) if recommendation.framework_area else no_area,
        addressees=", ".join(a.name for a in sorted(recommendation.addressees.all(), key=lambda a: (a.order, a.name))),
        target_groups=", ".join(t.name for t in sorted(recommendation.target_groups.all(), key=lambda t: (t.order, t.name))),
        scope=" – ".join(part for part in (recommendation.get_geographic_scope_display(), recommendation.place) if part),
        timeframe=recommendation.get_timeframe_display() if recommendation.timeframe else "",
        priority=recommendation.get_priority_display(),
        track=session.track.title if session.track else _("Plenary"),
        session=session.title,
        also_from="; ".join(merged_sessions),
        pk=recommendation.pk,
    )


# Rendering. Each renderer takes the gathered content and returns the file's bytes.


def render_pdf(content):
    from weasyprint import HTML  # Loads Pango: only the worker that draws a PDF needs it.

    with translation.override(content.language):
        html = render_to_string(
            "recommendations/outcome/document.html",
            {
                "content": content,
                "summary_lines": _summary_lines(content),
                "participation_sentence": _participation_sentence(content.participation),
                "figure_tables": _figure_tables(content.participation),
            },
        )
    return HTML(string=html).write_pdf()


def _matrix_columns():
    return [
        ("number", _("No.")),
        ("text", _("Recommendation")),
        ("measure", _("Measure")),
        ("indicator", _("Indicator")),
        ("addressees", _("Addressed to")),
        ("timeframe", _("Timeframe")),
        ("priority", _("Priority")),
        ("session", _("Source session")),
    ]


def render_docx(content):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    with translation.override(content.language):
        document = Document()
        document.styles["Normal"].font.size = Pt(10)
        section = document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, margin, Cm(2))
        document.core_properties.title = content.title
        document.core_properties.language = content.language

        document.add_heading(content.title, level=0)
        document.add_paragraph(_("Outcome document"))
        if content.version:
            document.add_paragraph(_version_line(content))
        document.add_heading(_("The event"), level=1)
        summary = document.add_table(rows=0, cols=2)
        summary.style = "Table Grid"
        for label, value in _summary_lines(content):
            cells = summary.add_row().cells
            cells[0].text, cells[1].text = label, value
        if content.purpose:
            document.add_paragraph(content.purpose)

        document.add_heading(_("Participation"), level=1)
        document.add_paragraph(_participation_sentence(content.participation))
        for title, figures in _figure_tables(content.participation):
            document.add_heading(title, level=2)
            table = document.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("Group"), _("People")
            for figure in figures:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = figure.label, figure.shown
                cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

        document.add_heading(_("Key points of each track"), level=1)
        for track in content.tracks:
            document.add_heading(track.title, level=2)
            for session in track.sessions:
                document.add_heading(f"{session.time} {session.title}", level=3)
                if session.people:
                    people = document.add_paragraph().add_run(_("Participants: %(people)s") % {"people": session.people})
                    people.italic = True
                for paragraph in session.key_points.split("\n"):
                    if paragraph.strip():
                        document.add_paragraph(paragraph.strip())
                for quote in session.quotes:
                    document.add_paragraph(_("“%(quote)s” — %(who)s") % {"quote": quote["text"], "who": quote["who"]}, style="Quote")
        if not content.tracks:
            document.add_paragraph(_("No session report has been written yet."))

        # The recommendations as the plan's matrix: a wide table reads best across the page.
        matrix = document.add_section()
        matrix.orientation = WD_ORIENT.LANDSCAPE
        matrix.page_width, matrix.page_height = Cm(29.7), Cm(21.0)
        document.add_heading(_("Recommendations"), level=1)
        if content.framework:
            document.add_paragraph(_("Grouped by the areas of: %(framework)s") % {"framework": content.framework})
        columns = _matrix_columns()
        for area in content.areas:
            document.add_heading(area.title, level=2)
            for group in area.groups:
                document.add_heading(group.addressees, level=3)
                table = document.add_table(rows=1, cols=len(columns))
                table.style = "Table Grid"
                for cell, (_name, label) in zip(table.rows[0].cells, columns, strict=True):
                    cell.text = label
                    cell.paragraphs[0].runs[0].bold = True
                for row in group.recommendations:
                    cells = table.add_row().cells
                    for cell, (name, _label) in zip(cells, columns, strict=True):
                        cell.text = _matrix_cell(row, name)
        if not content.recommendations:
            document.add_paragraph(_("No recommendation has been accepted yet."))
        document.add_paragraph(_("Generated on %(date)s.") % {"date": content.generated_at})
        output = io.BytesIO()
        document.save(output)
    return output.getvalue()


def _matrix_cell(row, name):
    if name == "text" and row.original:
        return f"{row.text}\n({row.original_language}: {row.original})"
    if name == "session":
        value = f"{row.session} ({row.track})"
        return f"{value}; {_('also proposed in')}: {row.also_from}" if row.also_from else value
    return getattr(row, name)


def _version_line(content):
    return _("Version %(number)s, published on %(date)s.") % {"number": content.version, "date": content.published_at}


def _summary_lines(content):
    lines = [
        (_("Theme"), content.theme),
        (_("Date"), content.date),
        (_("Venue"), content.venue),
        (_("Host"), content.host),
        (_("Partners"), ", ".join(content.partners)),
        (_("Funder"), content.funder),
        (_("Project"), content.funded_project),
    ]
    return [(label, value) for label, value in lines if value]


def _participation_sentence(participation):
    if participation.total is None:
        if participation.attended:
            return _("Fewer than %(count)s people took part (as checked in at the event).") % {"count": SMALL_CELL}
        return _("Fewer than %(count)s people registered (nobody has been checked in yet).") % {"count": SMALL_CELL}
    count = participation.total
    if participation.attended:
        return ngettext(
            "%(count)s person took part (as checked in at the event).",
            "%(count)s people took part (as checked in at the event).",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)s person registered (nobody has been checked in yet).",
        "%(count)s people registered (nobody has been checked in yet).",
        count,
    ) % {"count": count}


def _figure_tables(participation):
    return [
        (_("By gender"), participation.by_gender),
        (_("By category"), participation.by_category),
        (_("By district or town"), participation.by_district),
    ]


def _table_columns():
    return [
        ("number", _("No.")),
        ("framework_area", _("Framework area")),
        ("text", _("Recommendation")),
        ("original", _("As it was said")),
        ("original_language", _("Language it was said in")),
        ("measure", _("Measure")),
        ("indicator", _("Indicator")),
        ("addressees", _("Addressed to")),
        ("target_groups", _("Target groups")),
        ("scope", _("Geographic scope")),
        ("timeframe", _("Timeframe")),
        ("priority", _("Priority")),
        ("track", _("Track")),
        ("session", _("Source session")),
        ("also_from", _("Also proposed in")),
    ]


def _dataset(content):
    with translation.override(content.language):
        columns = _table_columns()
        dataset = tablib.Dataset(headers=[label for _name, label in columns], title=_("Recommendations")[:31])
    for row in content.recommendations:
        dataset.append([getattr(row, name) for name, _label in columns])
    return dataset


def render_csv(content):
    # With a byte-order mark, Excel opens the Cyrillic text as UTF-8.
    return ("\ufeff" + CSV().export_data(_dataset(content))).encode("utf-8")


def render_xlsx(content):
    return XLSX().export_data(_dataset(content))


RENDERERS = {
    OutcomeFormat.PDF: render_pdf,
    OutcomeFormat.DOCX: render_docx,
    OutcomeFormat.CSV: render_csv,
    OutcomeFormat.XLSX: render_xlsx,
}


def render(content, format):
    return RENDERERS[format](content)


def file_name(content, format):
    version = f"-v{content.version}" if content.version else ""
    return f"{content.slug}-outcome{version}-{content.language}.{format}"
