"""What the organisers' change lists and forms share across apps."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Django's Russian admin puts a model's name, in the nominative, inside its titles ("Выберите участник для
# изменения"). Our catalog, read before Django's, words these titles so that the name stands apart ("Выбор для
# изменения: участник"), in Kyrgyz too; they are named here so that makemessages keeps them in it.
ADMIN_TITLES = (
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
)


class FiltersBuiltOnceChangeList(ChangeList):
    """A change list whose filters are built once however often its queryset is asked for.

    Building a filter reads its choices (the events, the districts...); the status counts ask for the queryset
    again, without the status filter, and would otherwise read them all a second time.
    """

    def get_filters(self, request):
        if not hasattr(self, "_built_filters"):
            self._built_filters = super().get_filters(request)
        return self._built_filters


class StatusCountsMixin(metaclass=forms.MediaDefiningClass):  # so that its stylesheet joins the admin's own media
    """Above a change list, each status with its count and a link to it, as organisers watch a list fill up
    or a bulk send go out.

    The counts follow every filter but the status one. `status_choices` is the model's TextChoices for its
    `status` field; its queryset offers `count_by_status()`.
    """

    status_choices = None

    class Media:
        css = {"all": ["css/admin-status-counts.css"]}

    def get_changelist(self, request, **kwargs):
        return FiltersBuiltOnceChangeList

    def status_counts(self, request, changelist):
        status_filter = next(spec for spec in changelist.filter_specs if getattr(spec, "field_path", "") == "status")
        queryset = changelist.get_queryset(request, exclude_parameters=status_filter.expected_parameters())
        counts = queryset.order_by().count_by_status()
        chosen = status_filter.lookup_val or []
        return [
            {
                "label": status.label,
                "count": counts[status],
                "url": changelist.get_query_string({status_filter.lookup_kwarg: status.value}),
                "chosen": status.value in chosen,
            }
            for status in self.status_choices
        ]


class RowCheckboxesMixin:
    """Each row's checkbox for the actions, as Django draws it but without a widget template per row.

    Through the template engine, the checkboxes of a page of 50 rows took a sixth of a long list's time.
    """

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            # Django's own words, so its translations serve.
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


class ReadOnlyAdminMixin:
    """Records only the application writes (what was sent, how far a send got): shown, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    """Records the application writes (history, answers, versions), shown on their owner's page and never edited there.

    Set `fields`; they are all read-only.
    """

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NamedBoxesFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", capfirst(field.label))


class NamedBoxesTabularInline(admin.TabularInline):
    """A tabular inline whose every box, the delete box too, is named for a screen reader.

    Django names a column in its header only, which is no label of the boxes below it: axe-core counts each as an
    unlabelled field, a critical WCAG finding.
    """

    formset = NamedBoxesFormSet


class NamedSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each named for a screen reader ("Starts at, date").

    Django gives the pair one <label> that points at neither box (one label cannot name two fields), so
    axe-core counts each as an unlabelled field, a critical WCAG finding: 36 of them on an event's page.
    """

    def __init__(self, field_label, attrs=None):
        super().__init__(attrs)
        self.field_label = field_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        date, time = context["widget"]["subwidgets"]
        date["attrs"]["aria-label"] = _("%(field)s, date") % {"field": capfirst(self.field_label)}
        time["attrs"]["aria-label"] = _("%(field)s, time") % {"field": capfirst(self.field_label)}
        return context


class NamedDateTimesMixin:
    """For a ModelAdmin or an inline: every date-and-time field gets NamedSplitDateTime."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField):
            kwargs.setdefault("widget", NamedSplitDateTime(db_field.verbose_name))
        return super().formfield_for_dbfield(db_field, request, **kwargs)
