"""The participation report: who was invited, who registered and who came, by the groups a donor asks about.

`gather` reads the figures once, as plain data; the page and the XLSX file
only lay that data out (as recommendations/outcome.py does), so they never
disagree. The outcome document counts the people who took part with the same
`took_part` and the same labels, and hides its small cells
(participants.privacy.publishable_counts); this report is for organisers only
and shows every count.
"""

import io
from collections import Counter
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from .models import AgeBand, Gender, Source, Status

# Everybody else who is checked in came through the door without being on the
# list: the walk-ins (Source.WALK_IN), counted apart.
PLANNED_SOURCES = (Source.INVITATION, Source.PUBLIC_FORM)


@dataclass
class Row:
    label: str
    registered: int
    attended: int
    walk_ins: int


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list
    largest: int  # For the bars: the longest one is this many people.


@dataclass
class Cross:
    title: str
    columns: list  # The sexes.
    rows: list  # [(category, [count per sex], total)]
    totals: list
    total: int


@dataclass
class Funnel:
    invited: int
    registered: int
    registered_invited: int
    registered_public: int
    attended: int
    walk_ins: int
    waitlisted: int
    declined: int


@dataclass
class Report:
    event_title: str
    funnel: Funnel
    breakdowns: list
    sex_by_category: Cross


def took_part(event):
    """(True, people checked in), or (False, people holding a seat) while nobody is checked in yet."""
    people = event.participants.filter(status=Status.ATTENDED)
    attended = people.exists()
    if not attended:
        people = event.participants.holding_seats()
    return attended, list(people.select_related("category", "district__region", "track").order_by())


def not_given():
    return _("Not given")


def gender_label(participant):
    return participant.get_gender_display() if participant.gender else not_given()


def age_label(participant):
    return participant.get_age_band_display() if participant.age_band else not_given()


def category_label(participant):
    return participant.category.name if participant.category else not_given()


def region_label(participant):
    return participant.district.region.name if participant.district else not_given()


def district_label(participant):
    if not participant.district:
        return not_given()
    # "Osh city", not "Osh city (Osh city)".
    district, region = participant.district.name, participant.district.region.name
    return district if region == district else f"{district} ({region})"


def track_label(participant):
    return participant.track.title if participant.track else _("No track")


def _choice_order(choices):
    order = {str(label): index for index, (_value, label) in enumerate(choices)}
    return lambda label: (order.get(label, len(order)), label)


def _given_first(label):
    return (label == not_given(), label)


def dimensions():
    """(key, title, label of a person, order of the labels) for each breakdown, in this language."""
    return [
        ("sex", _("By sex"), gender_label, _choice_order(Gender.choices)),
        ("age", _("By age"), age_label, _choice_order(AgeBand.choices)),
        ("category", _("By category"), category_label, _given_first),
        ("region", _("By region"), region_label, _given_first),
        ("district", _("By district or town"), district_label, _given_first),
        ("track", _("By discussion track"), track_label, lambda label: (label == _("No track"), label)),
    ]


def gather(event, language):
    """Every figure of the report, read once, in one language."""
    with translation.override(language):
        people = list(event.participants.select_related("category", "district__region", "track").order_by())
        planned = [p for p in people if p.source in PLANNED_SOURCES]
        registered = [p for p in planned if p.status in Status.SEAT_HOLDING]
        attended = [p for p in people if p.status == Status.ATTENDED]
        walk_ins = [p for p in attended if p.source not in PLANNED_SOURCES]
        funnel = Funnel(
            invited=sum(p.source == Source.INVITATION for p in people),
            registered=len(registered),
            registered_invited=sum(p.source == Source.INVITATION for p in registered),
            registered_public=sum(p.source == Source.PUBLIC_FORM for p in registered),
            attended=len(attended),
            walk_ins=len(walk_ins),
            waitlisted=sum(p.status == Status.WAITLISTED for p in people),
            declined=sum(p.status == Status.DECLINED for p in people),
        )
        breakdowns = []
        for key, title, label, order in dimensions():
            counts = [Counter(map(label, group)) for group in (registered, attended, walk_ins)]
            labels = sorted(set().union(*counts), key=order)
            rows = [Row(name, *(count[name] for count in counts)) for name in labels]
            largest = max((max(row.registered, row.attended) for row in rows), default=0)
            breakdowns.append(Breakdown(key, title, rows, largest))
        return Report(
            event_title=event.title,
            funnel=funnel,
            breakdowns=breakdowns,
            sex_by_category=_sex_by_category(attended or registered),
        )


def _sex_by_category(people):
    sexes = sorted({gender_label(p) for p in people}, key=_choice_order(Gender.choices))
    counts = Counter((category_label(p), gender_label(p)) for p in people)
    categories = sorted({category_label(p) for p in people}, key=_given_first)
    rows = [
        (category, [counts[category, sex] for sex in sexes], sum(counts[category, sex] for sex in sexes))
        for category in categories
    ]
    totals = [sum(counts[category, sex] for category in categories) for sex in sexes]
    return Cross(title=_("Sex by category"), columns=sexes, rows=rows, totals=totals, total=len(people))


def render_xlsx(report, language):
    """The report's figures as an XLSX workbook: the funnel, each breakdown, and sex by category on sheets of their own."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _sheet_title(_("Invited to attended"))
        sheet.append([report.event_title])
        sheet["A1"].font = Font(bold=True)
        for label, count in funnel_lines(report.funnel):
            sheet.append([label, count])
        for breakdown in report.breakdowns:
            sheet = workbook.create_sheet(_sheet_title(breakdown.title))
            sheet.append(["", *column_titles()])
            for row in breakdown.rows:
                sheet.append([row.label, row.registered, row.attended, row.walk_ins])
        cross = report.sex_by_category
        sheet = workbook.create_sheet(_sheet_title(cross.title))
        sheet.append(["", *cross.columns, _("Total")])
        for category, counts, total in cross.rows:
            sheet.append([category, *counts, total])
        sheet.append([_("Total"), *cross.totals, cross.total])
        for sheet in workbook.worksheets:
            sheet.column_dimensions["A"].width = 40
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


def _sheet_title(title):
    # Excel refuses these characters and titles over 31 characters.
    return "".join(" " if char in "[]:*?/\\" else char for char in title)[:31]


def column_titles():
    return [_("Registered"), _("Attended"), _("Of them walk-ins")]


def funnel_lines(funnel):
    return [
        (_("Invited"), funnel.invited),
        (_("Registered"), funnel.registered),
        (_("Registered from an invitation"), funnel.registered_invited),
        (_("Registered through the public form"), funnel.registered_public),
        (_("Attended"), funnel.attended),
        (_("Of them walk-ins"), funnel.walk_ins),
        (_("On the waiting list"), funnel.waitlisted),
        (_("Declined"), funnel.declined),
    ]
