"""Invitee lists in, participant lists out, as CSV or Excel files (django-import-export).

An organiser prepares an invitee list in a spreadsheet with the readable
headers below; the field names, or the headers in another language of the
site, are accepted as well. Every row is checked before anything is saved, and
each problem is reported against its row and column.
"""

import codecs
import csv
import functools
import io
import re

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats
from modeltranslation.utils import build_localized_fieldname

from . import privacy, services
from .models import (
    AgeBand,
    Channel,
    ConsentKind,
    District,
    Gender,
    Language,
    Participant,
    Source,
    Status,
    Visibility,
)
from .validators import (
    normalise_phone,
    validate_no_control_characters,
    validate_no_markup,
    validate_person_name,
    without_control_characters,
)

IMPORT_COLUMNS = (
    "full_name",
    "badge_name",
    "email",
    "phone",
    "gender",
    "age_band",
    "category",
    "organisation",
    "position",
    "district",
    "village",
    "preferred_channel",
    "preferred_language",
    "organiser_notes",
)

# Organisers' notes stay out: they may hold what a person told the organisers
# in confidence, and a spreadsheet travels further than the admin.
EXPORT_COLUMNS = (
    "event",
    "full_name",
    "badge_name",
    "status",
    "category",
    "track",
    "gender",
    "age_band",
    "organisation",
    "position",
    "region",
    "district",
    "village",
    "phone",
    "email",
    "preferred_channel",
    "preferred_language",
    "interpretation_language",
    "accessibility_needs",
    "dietary_needs",
    "childcare_needed",
    "children_ages",
    "travel_support_needed",
    "departure_place",
    "accommodation_nights",
    "consent_data_processing",
    "consent_photography",
    "consent_media",
    "visibility",
)

# What the model's own checks of an imported row leave out: what a list does
# not fill in, and the category and the district, found among the event's own
# already (looking each up again would cost two queries a row).
UNCHECKED_FIELDS = frozenset(f.name for f in Participant._meta.fields if f.name not in IMPORT_COLUMNS) | {
    "category",
    "district",
}

# The headers organisers write in Russian and Kyrgyz, besides the site's own
# column names in each language (which are recognised as well).
HEADER_ALIASES = {
    "full_name": (
        "ФИО", "Ф.И.О.", "ФИО участника", "Фамилия Имя Отчество", "Фамилия, имя, отчество", "Фамилия и имя",
        "Имя и фамилия", "Участник", "Аты-жөнү", "Аты жөнү", "Толук аты-жөнү", "Аты-жөнүңүз", "Катышуучу", "Name",
    ),
    "badge_name": ("Имя на бейдже", "Бейдж", "Бейджге аты", "Бейдж үчүн аты"),
    "email": (
        "Эл. почта", "Электронная почта", "E-mail", "Почта", "Эл. дарек", "Электрондук почта", "Электрондук дарек",
    ),
    "phone": (
        "Тел.", "Телефон", "Моб. телефон", "Мобильный телефон", "Мобильный", "Номер телефона", "Контактный телефон",
        "Тел. номер", "Телефону", "Телефон номери", "Тел. номери", "Мобилдик телефон",
    ),
    "gender": ("Пол", "Жынысы", "Жыныс", "Sex"),
    "age_band": ("Возраст", "Возрастная группа", "Жашы", "Курагы", "Жаш курагы", "Age"),
    "category": ("Категория", "Категория участника", "Категориясы"),
    "organisation": (
        "Организация", "Организация/учреждение", "Учреждение", "Место работы", "Уюм", "Уюму", "Мекеме", "Мекемеси",
        "Иштеген жери", "Иш орду", "Organization",
    ),
    "position": ("Должность", "Кызматы", "Кызмат орду"),
    "district": (
        "Район", "Район/город", "Город/район", "Город", "Району", "Район/шаар", "Шаар/район", "Шаар", "Town",
    ),
    "village": ("Село", "Айыл", "Айылы", "Населённый пункт", "Айыл/село", "Село/айыл"),
    "preferred_channel": ("Способ связи", "Байланыш жолу"),
    "preferred_language": ("Язык", "Язык общения", "Тил", "Байланыш тили", "Language"),
    "organiser_notes": ("Примечание", "Примечания", "Комментарий", "Эскертүү", "Notes", "Comment"),
}  # fmt: skip

# A list with the name in separate columns, as Russian forms ask for it; put
# together in this order when the list has no column with the whole name.
NAME_PART_HEADERS = (
    ("Фамилия", "Фамилиясы", "Surname", "Last name"),
    ("Имя", "Аты", "First name", "Given name"),
    ("Отчество", "Атасынын аты", "Patronymic"),
)

# How people answer "Пол" in a list, besides the labels of the site.
GENDER_ALIASES = {
    Gender.WOMAN: ("ж", "жен", "женский", "f", "female", "аял", "аял киши"),
    Gender.MAN: ("м", "муж", "мужской", "m", "male", "эр", "эркек киши"),
}

# A text file's cell that starts with one of these is run as a formula by
# Excel and LibreOffice, even when it was meant as text ("-", "+996...").
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# An Excel file stores text as text; only a value that starts with "=" is
# written as a formula.
XLSX_FORMULA_STARTS = ("=",)


def fold(text):
    """Text as people mean it when they compare: any case, any dash, underscores as spaces."""
    return " ".join(str(text).replace("–", "-").replace("—", "-").replace("_", " ").split()).casefold()


def header_key(text):
    """A column header as people mean it: "Ф.И.О." is "ФИО", "E-mail" is "Email", "Тел.:" is "Тел"."""
    return "".join(character for character in str(text).casefold().replace("ё", "е") if character.isalnum())


def cell_text(value):
    """A spreadsheet cell as text. Excel hands over a number typed in a cell (555123456) as a float."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def in_every_language(text):
    """The lazy text translated into each language of the site."""
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(str(text))
    return names


class TextWidget(widgets.CharWidget):
    def __init__(self, *, required=None, validators=()):
        super().__init__()
        # The error shown when the cell is empty, or None when it may be.
        self.required = required
        self.validators = validators

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text and self.required:
            raise ValueError(self.required)
        for validate in (validate_no_control_characters, *self.validators) if text else ():
            validate(text)
        return text


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs).lower()


class PhoneWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        phone = super().clean(value, row, **kwargs)
        return normalise_phone(phone) if phone else ""


class ChoiceWidget(widgets.Widget):
    """A choice written as its code or its label in any language of the site; exported as the label."""

    def __init__(self, choices, aliases=None):
        super().__init__()
        self.choices = choices
        # {code: other words people write for it}
        self.aliases = aliases or {}

    @functools.cached_property
    def codes(self):
        codes = {}
        for code, label in self.choices.choices:
            codes[fold(code)] = code
            codes.update((fold(name), code) for name in in_every_language(label))
            codes.update((fold(name), code) for name in self.aliases.get(code, ()))
        return codes

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        try:
            return self.codes[fold(text)]
        except KeyError:
            raise ValueError(
                gettext("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(str(label) for label in self.choices.labels)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices.choices).get(value, value or ""))


class AgeWidget(ChoiceWidget):
    """An age band, or an age in years ("Возраст": 34) put in its band."""

    BANDS = ((18, AgeBand.UNDER_18), (30, AgeBand.FROM_18), (45, AgeBand.FROM_30), (60, AgeBand.FROM_45))

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text.isdigit() or not 0 < int(text) < 120:
            return super().clean(value, row, **kwargs)
        return next((band for below, band in self.BANDS if int(text) < below), AgeBand.FROM_60)


class YesNoWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return gettext("yes") if value else gettext("no")


class NamedWidget(widgets.Widget):
    """A category or a district, found by its name in any language of the site."""

    def __init__(self, *, unknown="", ambiguous=""):
        super().__init__()
        self.unknown = unknown
        self.ambiguous = ambiguous
        # What a name may refer to; the resource sets it for the event it imports into.
        self.candidates = ()

    @functools.cached_property
    def by_name(self):
        by_name = {}
        for candidate in self.candidates:
            names = {getattr(candidate, build_localized_fieldname("name", code)) for code, _name in settings.LANGUAGES}
            for name in {fold(name) for name in names if name}:
                by_name.setdefault(name, []).append(candidate)
        return by_name

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        matches = self.by_name.get(fold(text), [])
        if not matches:
            raise ValueError(self.unknown % {"value": text})
        if len(matches) > 1:
            raise ValueError(self.ambiguous % {"value": text})
        return matches[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ParticipantResource(resources.ModelResource):
    # Exports carry the headers in the organiser's language; imports know
    # them in every language of the site, so a list goes round in any of them.
    event = Field(attribute="event__title", column_name=_("Event"), readonly=True)
    full_name = Field(
        attribute="full_name",
        column_name=_("Full name"),
        widget=TextWidget(required=_("The full name is missing."), validators=[validate_person_name]),
    )
    badge_name = Field(
        attribute="badge_name", column_name=_("Badge name"), widget=TextWidget(validators=[validate_person_name])
    )
    status = Field(attribute="status", column_name=_("Status"), widget=ChoiceWidget(Status), readonly=True)
    email = Field(attribute="email", column_name=_("Email"), widget=EmailWidget())
    phone = Field(attribute="phone", column_name=_("Phone"), widget=PhoneWidget())
    gender = Field(attribute="gender", column_name=_("Gender"), widget=ChoiceWidget(Gender, GENDER_ALIASES))
    age_band = Field(attribute="age_band", column_name=_("Age band"), widget=AgeWidget(AgeBand))
    category = Field(
        attribute="category",
        column_name=_("Category"),
        widget=NamedWidget(
            unknown=_("This event has no category called “%(value)s”."),
            ambiguous=_("This event has more than one category called “%(value)s”."),
        ),
    )
    track = Field(attribute="track__title", column_name=_("Discussion track"), readonly=True)
    organisation = Field(
        attribute="organisation", column_name=_("Organisation"), widget=TextWidget(validators=[validate_no_markup])
    )
    position = Field(
        attribute="position", column_name=_("Position"), widget=TextWidget(validators=[validate_no_markup])
    )
    region = Field(attribute="district__region", column_name=_("Region"), widget=NamedWidget(), readonly=True)
    district = Field(
        attribute="district",
        column_name=_("District"),
        widget=NamedWidget(
            unknown=_("There is no district or town called “%(value)s”. Check the spelling, or add it in the admin."),
            ambiguous=_("More than one district or town is called “%(value)s”."),
        ),
    )
    village = Field(attribute="village", column_name=_("Village"), widget=TextWidget(validators=[validate_no_markup]))
    preferred_channel = Field(
        attribute="preferred_channel",
        column_name=_("Preferred channel"),
        widget=ChoiceWidget(Channel),
        default=Channel.WHATSAPP,
    )
    preferred_language = Field(
        attribute="preferred_language",
        column_name=_("Preferred language"),
        widget=ChoiceWidget(Language),
        default=Language.RUSSIAN,
    )
    interpretation_language = Field(
        attribute="interpretation_language",
        column_name=_("Interpretation into"),
        widget=ChoiceWidget(Language),
        readonly=True,
    )
    accessibility_needs = Field(attribute="accessibility_needs", column_name=_("Accessibility needs"), readonly=True)
    dietary_needs = Field(attribute="dietary_needs", column_name=_("Dietary needs"), readonly=True)
    childcare_needed = Field(
        attribute="childcare_needed", column_name=_("Childcare needed"), widget=YesNoWidget(), readonly=True
    )
    children_ages = Field(attribute="children_ages", column_name=_("Children's ages"), readonly=True)
    travel_support_needed = Field(
        attribute="travel_support_needed", column_name=_("Travel support needed"), widget=YesNoWidget(), readonly=True
    )
    departure_place = Field(attribute="departure_place", column_name=_("Travelling from"), readonly=True)
    accommodation_nights = Field(
        attribute="accommodation_nights", column_name=_("Nights of accommodation"), readonly=True
    )
    consent_data_processing = Field(column_name=_("Consent: personal data"), readonly=True)
    consent_photography = Field(column_name=_("Consent: photographs and filming"), readonly=True)
    consent_media = Field(column_name=_("Consent: named in the media"), readonly=True)
    visibility = Field(
        attribute="visibility", column_name=_("In the participant list"), widget=ChoiceWidget(Visibility), readonly=True
    )
    organiser_notes = Field(attribute="organiser_notes", column_name=_("Organisers' notes"), widget=TextWidget())

    class Meta:
        model = Participant
        fields = tuple(dict.fromkeys(IMPORT_COLUMNS + EXPORT_COLUMNS))
        import_order = IMPORT_COLUMNS
        export_order = EXPORT_COLUMNS
        # Every row is a new invitee; matching rows to existing people is the
        # duplicate check's job, which reports them instead of updating them.
        force_init_instance = True
        # Empty rows are left out of the preview as well as the import.
        report_skipped = False
        # A list of 20,000 people must import within a request: the rows are
        # checked one by one without writing, then saved a thousand at a time;
        # no before/after comparison is drawn (every row is a new person), and
        # the preview shows the people as read.
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        store_instance = True

    def __init__(self, event=None, **kwargs):
        super().__init__(**kwargs)
        self.event = event
        # The headers in every language, to recognise them in a list; then in
        # the organiser's language once and for all, rather than translated
        # again for each cell of each row.
        self.translatable_column_names = {name: field.column_name for name, field in self.fields.items()}
        for field in self.fields.values():
            field.column_name = str(field.column_name)
        if event is not None:
            self.fields["category"].widget.candidates = event.categories.all()
            self.fields["district"].widget.candidates = District.objects.all()

    # Exactly the listed columns: the library would add every other declared
    # field, importing export-only columns and exporting organisers' notes.
    def get_import_order(self):
        return self._meta.import_order

    def get_export_order(self):
        return self._meta.export_order

    def filter_export(self, queryset, **kwargs):
        # The export starts from the admin list's query, which joins only what the list shows.
        queryset = queryset.select_related("event", "category", "track", "district__region")
        return privacy.named(queryset, privacy.Audience.EXPORT)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # Read once for the three consent columns of this row.
        self.current_consents = services.current_consents(instance)
        return super().export_resource(instance, selected_fields, **kwargs)

    def dehydrate_consent_data_processing(self, participant):
        return self._consent_answer(ConsentKind.DATA_PROCESSING)

    def dehydrate_consent_photography(self, participant):
        return self._consent_answer(ConsentKind.PHOTOGRAPHY)

    def dehydrate_consent_media(self, participant):
        return self._consent_answer(ConsentKind.MEDIA)

    def _consent_answer(self, kind):
        given = self.current_consents.get(kind)
        if given is None:
            return ""
        return gettext("yes") if given else gettext("no")

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self._recognise_headers(dataset)
        participants = self.event.participants.all()
        self.taken = {
            "email": {email.lower() for email in participants.exclude(email="").values_list("email", flat=True)},
            "phone": set(participants.exclude(phone="").values_list("phone", flat=True)),
        }
        # {email or phone: the row it was first seen on}
        self.seen = {"email": {}, "phone": {}}

    def _recognise_headers(self, dataset):
        columns = {}
        for name in IMPORT_COLUMNS:
            aliases = {name, *in_every_language(self.translatable_column_names[name]), *HEADER_ALIASES.get(name, ())}
            columns.update((header_key(alias), self.fields[name].column_name) for alias in aliases)
        recognised = []
        for header in dataset.headers:
            column = columns.get(header_key(cell_text(header)))
            if column in recognised:
                # A second column of the same kind (two phone columns) is left
                # out rather than overwriting the first.
                column = ""
            recognised.append(column if column is not None else cell_text(header))
        dataset.headers = recognised
        full_name = self.fields["full_name"].column_name
        if full_name not in recognised:
            self._join_name_parts(dataset, full_name)

    def _join_name_parts(self, dataset, full_name):
        keys = [header_key(cell_text(header)) for header in dataset.headers]
        positions = []
        for aliases in NAME_PART_HEADERS:
            found = {header_key(alias) for alias in aliases}.intersection(keys)
            if found:
                positions.append(keys.index(found.pop()))
        if positions and len(dataset):
            dataset.append_col(
                [" ".join(filter(None, (cell_text(row[i]) for i in positions))) for row in dataset], header=full_name
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Spreadsheets often carry empty but formatted rows below the list, or
        # between its parts. Skipped, not removed, so row numbers stay the
        # spreadsheet's.
        return not any(cell_text(value) for value in row.values())

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        try:
            # The preview writes nothing: each row was checked as it was read,
            # against the event's list and the rows above it.
            if not dry_run:
                with transaction.atomic():
                    services.add_imported(self.create_instances, by=self.user)
        except IntegrityError as error:
            # Somebody took an address since the rows were checked: the admin
            # reports that the list changed, and nothing is kept.
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def init_instance(self, row=None):
        return Participant(event=self.event, status=Status.INVITED, source=Source.INVITATION)

    def import_instance(self, instance, row, **kwargs):
        """Read a row into the participant; raise every problem of the row at once, under its column."""
        errors = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValidationError as error:
                errors[field.attribute] = error.messages
            except ValueError as error:
                errors[field.attribute] = [str(error)]
        try:
            # Lengths and email format, as the model defines them.
            instance.clean_fields(exclude=UNCHECKED_FIELDS | errors.keys())
        except ValidationError as error:
            errors.update(error.message_dict)
        self._check_contacts(instance, errors, kwargs["row_number"])
        if errors:
            raise ValidationError({str(self.fields[name].column_name): messages for name, messages in errors.items()})

    def _check_contacts(self, instance, errors, row_number):
        if not instance.email and not instance.phone and "email" not in errors and "phone" not in errors:
            errors["phone"] = [gettext("Give a phone number or an email address.")]
        taken_messages = {
            "email": gettext("Somebody with this email address is already on this event's list."),
            "phone": gettext("Somebody with this phone number is already on this event's list."),
        }
        repeated_messages = {
            "email": gettext("The same email address is on row %(row)s of this file."),
            "phone": gettext("The same phone number is on row %(row)s of this file."),
        }
        for name in ("email", "phone"):
            value = getattr(instance, name)
            if not value or name in errors:
                continue
            if value in self.taken[name]:
                errors[name] = [taken_messages[name]]
            elif value in self.seen[name]:
                errors[name] = [repeated_messages[name] % {"row": self.seen[name][value]}]
            else:
                # As the spreadsheet numbers it, below its header row.
                self.seen[name][value] = row_number + 1


def _safe_cell(cell, formula_starts):
    # Control characters already in the database (typed before they were
    # refused) are dropped: an Excel file cannot hold them at all.
    cell = without_control_characters(cell)
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(formula_starts) else cell


def _neutralise_formulae(dataset, formula_starts):
    """Each cell as a spreadsheet shows it: without control characters, and never run as a formula."""
    for index in range(len(dataset)):
        dataset[index] = [_safe_cell(cell, formula_starts) for cell in dataset[index]]


class CSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        _neutralise_formulae(dataset, CSV_FORMULA_STARTS)
        return super().export_data(dataset, **kwargs)


class XLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        _neutralise_formulae(dataset, XLSX_FORMULA_STARTS)
        return super().export_data(dataset, **kwargs)


class UnreadableList(ValueError):
    """An invitee list that cannot be imported as it is; the message tells the organiser what to do."""


def _read_rows(headers, rows):
    """A sheet as a dataset, up to its last filled row; refused beyond the limit of rows."""
    headers = [cell_text(header) for header in headers]
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    filled = 0
    empty_rows = 0
    for row in rows:
        cells = (list(row) + [""] * width)[:width]
        if not any(cell_text(cell) for cell in cells):
            # Added only once a filled row follows, so that row numbers stay
            # the spreadsheet's while the formatted empty rows below a list
            # cost nothing.
            empty_rows += 1
            continue
        filled += 1
        if filled > settings.PARTICIPANT_IMPORT_MAX_ROWS:
            raise UnreadableList(
                gettext(
                    "This list has more than %(limit)s rows. Split it into files of at most %(limit)s rows and "
                    "import them one after the other."
                )
                % {"limit": settings.PARTICIPANT_IMPORT_MAX_ROWS}
            )
        for _empty in range(empty_rows):
            dataset.append([""] * width)
        empty_rows = 0
        dataset.append(cells)
    return dataset


def decode_list(data):
    """The text of a CSV file as Excel writes it: UTF-8 (with or without a byte-order mark), UTF-16, or cp1251."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # cp1251 is what Excel in Russian or Kyrgyz writes as "CSV (comma delimited)".
        encodings = ("utf-8-sig", "cp1251")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # A NUL means a file that is not text at all (an Excel file chosen as
        # CSV, a picture), whatever the encoding.
        if "\x00" not in text:
            return text, encoding
    raise UnreadableList(
        gettext(
            "This file could not be read as a text (CSV) file. In Excel, save the list as “CSV UTF-8”, or "
            "import the Excel file itself and choose the format “xlsx”."
        )
    )


# In a cp1251 file, a "?" against a Cyrillic letter is a Kyrgyz letter that
# the encoding lacks and Excel replaced.
LOST_KYRGYZ_LETTER = re.compile(r"\S*\?[а-яА-ЯёЁ]\S*")


class ImportCSV(base_formats.CSV):
    """An invitee list in CSV, in whichever encoding and with whichever separator Excel wrote it."""

    # Read as bytes: the encoding is found from the file itself.
    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text, encoding = decode_list(in_stream)
        if encoding == "cp1251" and (lost := LOST_KYRGYZ_LETTER.search(text)):
            raise UnreadableList(
                gettext(
                    "This file was saved in the Windows-1251 encoding, which has no Kyrgyz letters ө, ү and ң: "
                    "Excel wrote “?” in their place, as in “%(example)s”. In Excel, save the list as “CSV UTF-8”, "
                    "or import the Excel file itself and choose the format “xlsx”."
                )
                % {"example": lost.group()}
            )
        try:
            # Excel in Russian separates cells with ";", since "," is its decimal sign.
            dialect = csv.Sniffer().sniff(text[:10000], delimiters=",;\t")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        rows = csv.reader(io.StringIO(text), delimiter=delimiter)
        return _read_rows(next(rows, []), rows)


class ImportXLSX(base_formats.XLSX):
    """An invitee list in an Excel file: its first sheet, read until its last filled row."""

    def create_dataset(self, in_stream):
        # calamine (Rust) reads a sheet of 20,000 rows in a tenth of the time openpyxl takes.
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(in_stream))
        try:
            rows = book.get_sheet_by_index(0).iter_rows()
            return _read_rows(next(rows, ()), rows)
        finally:
            book.close()
