"""The donor report: one event's participation, recommendations and evaluation, for the project's reporting.

Like outcome.py, `gather` reads everything once, in one language, into plain
data, and `render_docx` and `render_pdf` only lay it out. The report leaves the
organisers' hands, so it names nobody: it has only counts, with the cells under
SMALL_CELL people hidden (participants.privacy.publishable_counts), and no
free-text answer, which could name someone.

Its figures are the participation report's (participants/report.py), not
counted again; the recommendations are the public follow-up tracker's rows
(follow_up.py), in the published outcome's wording; the evaluation is
evaluations/results.py's.
"""

import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agenda.selectors import document_colour, document_logos
from evaluations import results as evaluation_results
from evaluations.models import EvaluationForm, QuestionKind
from participants import report as participation_report
from participants.models import Gender
from participants.privacy import SMALL_CELL, count_or_hidden, publishable_count, publishable_counts

from . import follow_up
from .outcome import Figure

# The participation report's breakdowns a donor asks about, in this order.
BREAKDOWNS = ("sex", "age", "category", "district")
# Donors read the report in English or Russian.
LANGUAGES = ("en", "ru")


@dataclass
class FigureTable:
    key: str
    title: str
    figures: list


@dataclass
class Participation:
    attended: bool  # False: nobody is checked in yet, so these are the registered participants.
    registered: int  # These three are None when hidden.
    attended_count: int
    walk_ins: int
    total: int  # The people the tables count: attended, or else registered.
    women_share: int = None  # Per cent; None when the number of women is hidden.
    tables: list = field(default_factory=list)


@dataclass
class FollowedRecommendation:
    number: str
    text: str
    framework_area: str
    body: str
    status: str
    since: str


@dataclass
class Question:
    text: str
    answered: int  # None when hidden.
    figures: list  # Empty for free text, whose answers the report leaves out.
    average: float = None

    @property
    def answered_shown(self):
        return count_or_hidden(self.answered)


@dataclass
class Evaluation:
    exists: bool
    responses: int  # None when hidden.
    shown: bool  # False while fewer than SMALL_CELL people have answered.
    questions: list = field(default_factory=list)


@dataclass
class DonorReport:
    language: str
    slug: str
    title: str
    date: str
    venue: str
    funder: str
    funded_project: str
    participation: Participation
    outcome_published: bool
    recommendations: list
    follow_up_summary: list  # [Figure]: how many recommendations stand at each status.
    progress: int
    evaluation: Evaluation
    generated_at: str
    colour: str  # The event's, for the headings.
    logos: list  # agenda.selectors.DocumentLogo, the host's first.


def gather(event, language):
    """Everything the donor report says, read once, in one language."""
    with translation.override(language):
        tracker = follow_up.gather([event], language)
        date = event.dates_display()
        return DonorReport(
            language=language,
            slug=event.slug,
            title=event.title,
            date=date,
            venue=", ".join(part for part in (event.venue, event.address or event.city) if part),
            funder=event.funder,
            funded_project=event.funded_project,
            participation=_participation(participation_report.gather(event, language)),
            outcome_published=bool(follow_up.published_events([event])),
            recommendations=[
                FollowedRecommendation(
                    row.number, row.text, row.framework_area, row.body, row.status or _("No update yet"), row.since
                )
                for row in tracker.rows
            ],
            follow_up_summary=[Figure(item.status, item.count) for item in tracker.summary],
            progress=tracker.progress,
            evaluation=_evaluation(event, language),
            generated_at=date_format(timezone.localtime(), "DATETIME_FORMAT"),
            colour=document_colour(event),
            logos=document_logos(event),
        )


def _participation(report):
    # "From the check-ins where there are any": the attended column once anyone is checked in.
    attended = report.funnel.attended > 0
    tables = []
    women = None
    for breakdown in report.breakdowns:
        if breakdown.key not in BREAKDOWNS:
            continue
        counted = [(row.label, row.attended if attended else row.registered) for row in breakdown.rows]
        counted = [(label, count) for label, count in counted if count]
        shown = publishable_counts([count for _label, count in counted])
        figures = [Figure(label, count) for (label, _count), count in zip(counted, shown)]
        tables.append(FigureTable(breakdown.key, breakdown.title, figures))
        if breakdown.key == "sex":
            woman = str(Gender.WOMAN.label)
            women = next((figure.count for figure in figures if figure.label == woman), 0)
    total = report.funnel.attended if attended else report.funnel.registered
    return Participation(
        attended=attended,
        registered=publishable_count(report.funnel.registered),
        attended_count=publishable_count(report.funnel.attended),
        walk_ins=publishable_count(report.funnel.walk_ins),
        total=publishable_count(total),
        women_share=round(100 * women / total) if women is not None and total else None,
        tables=tables,
    )


def _evaluation(event, language):
    form = EvaluationForm.objects.filter(event=event).first()
    if form is None:
        return Evaluation(exists=False, responses=0, shown=False)
    results = evaluation_results.gather(form, language)
    questions = []
    for question in results.questions:
        if question.kind == QuestionKind.MULTIPLE:
            # Ticks of several choices add up to no total: each count stands alone.
            shown = [publishable_count(count) for count in question.counts]
        else:
            shown = publishable_counts(question.counts)
        questions.append(
            Question(
                question.text,
                publishable_count(question.answered),
                [Figure(label, count) for label, count in zip(question.labels, shown)],
                question.average,
            )
        )
    return Evaluation(exists=True, responses=publishable_count(results.responses), shown=results.shown, questions=questions)


# What the two files say in words, so they say the same.


def participation_sentence(participation):
    people = count_or_hidden(participation.total)
    if participation.attended:
        return _("People who took part, as checked in at the event: %(count)s.") % {"count": people}
    return _("Nobody has been checked in yet: these are the registered participants (%(count)s).") % {"count": people}


def summary_lines(report):
    participation = report.participation
    lines = [
        (_("Date"), report.date),
        (_("Venue"), report.venue),
        (_("Funder"), report.funder),
        (_("Project"), report.funded_project),
        (_("Registered participants"), count_or_hidden(participation.registered)),
        (_("Participants who came"), count_or_hidden(participation.attended_count)),
        (_("Of them walk-ins"), count_or_hidden(participation.walk_ins)),
        (_("Share of women"), women_share_text(participation)),
    ]
    return [(label, value) for label, value in lines if value]


def women_share_text(participation):
    return count_or_hidden(participation.women_share) if participation.women_share is None else f"{participation.women_share}%"


def privacy_note():
    return _(
        "Nobody is named in this report. A figure under %(count)s people is not shown, nor one that would give it away."
    ) % {"count": SMALL_CELL}


def evaluation_sentence(evaluation):
    if not evaluation.exists:
        return _("The event had no evaluation form.")
    if not evaluation.shown:
        return _("Fewer than %(count)s people answered the evaluation form: its results are not shown.") % {
            "count": SMALL_CELL
        }
    return _("People who answered the evaluation form: %(count)s. Free-text answers are not included.") % {
        "count": count_or_hidden(evaluation.responses)
    }


def recommendations_sentence(report):
    if not report.outcome_published:
        return _("The outcome document has not been published yet: there is no recommendation to report.")
    return _(
        "The accepted recommendations as the outcome document published them, and the latest step of each: "
        "%(progress)s%% of the way on average."
    ) % {"progress": report.progress}


def _context(report):
    return {
        "report": report,
        "summary_lines": summary_lines(report),
        "participation_sentence": participation_sentence(report.participation),
        "recommendations_sentence": recommendations_sentence(report),
        "evaluation_sentence": evaluation_sentence(report.evaluation),
        "privacy_note": privacy_note(),
    }


def render_pdf(report):
    from weasyprint import HTML  # Loads Pango: only the process that draws a PDF needs it.

    with translation.override(report.language):
        html = render_to_string("recommendations/donor_report/document.html", _context(report))
    return HTML(string=html).write_pdf()


def render_docx(report):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    def table(header, rows):
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for row in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = str(text)
            if len(row) == 2:
                cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    with translation.override(report.language):
        context = _context(report)
        document = Document()
        document.styles["Normal"].font.size = Pt(10)
        section = document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, margin, Cm(2))
        document.core_properties.title = report.title
        document.core_properties.language = report.language

        for style in ("Title", "Heading 1", "Heading 2"):
            document.styles[style].font.color.rgb = RGBColor.from_string(report.colour[1:])
        logos = [logo for logo in report.logos if logo.path]
        if logos:
            row = document.add_paragraph()
            for logo in logos:
                row.add_run().add_picture(str(logo.path), height=Cm(1.4))
                row.add_run("    ")
            # A picture's description is what Word reads aloud; python-docx leaves it empty.
            for picture, logo in zip(row._p.xpath(".//wp:docPr"), logos, strict=True):
                picture.set("descr", logo.organisation)
        document.add_heading(report.title, level=0)
        document.add_paragraph(_("Report to the donor"))
        table([_("Event"), report.title], context["summary_lines"])

        document.add_heading(_("Participation"), level=1)
        document.add_paragraph(context["participation_sentence"])
        for figure_table in report.participation.tables:
            document.add_heading(figure_table.title, level=2)
            table([_("Group"), _("People")], [(figure.label, figure.shown) for figure in figure_table.figures])

        document.add_heading(_("Recommendations and their follow-up"), level=1)
        document.add_paragraph(context["recommendations_sentence"])
        if report.follow_up_summary:
            table([_("Status"), _("Recommendations")], [(figure.label, figure.count) for figure in report.follow_up_summary])
        if report.recommendations:
            document.add_paragraph()
            table(
                [_("No."), _("Recommendation"), _("Framework area"), _("Responsible body"), _("Status"), _("Since")],
                [(r.number, r.text, r.framework_area, r.body, r.status, r.since) for r in report.recommendations],
            )

        document.add_heading(_("Evaluation"), level=1)
        document.add_paragraph(context["evaluation_sentence"])
        for question in report.evaluation.questions:
            document.add_heading(question.text, level=2)
            answered = _("Answered: %(count)s") % {"count": question.answered_shown}
            if question.average is not None:
                answered = f"{answered}. {_('Average')}: {question.average}"
            document.add_paragraph(answered)
            if question.figures:
                table([_("Answer"), _("People")], [(figure.label, figure.shown) for figure in question.figures])

        document.add_paragraph(privacy_note())
        document.add_paragraph(_("Generated on %(date)s.") % {"date": report.generated_at})
        output = io.BytesIO()
        document.save(output)
    return output.getvalue()


RENDERERS = {
    "docx": (render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (render_pdf, "application/pdf"),
}


def file_name(report, format):
    return f"{report.slug}-donor-report-{report.language}.{format}"
