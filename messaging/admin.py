from django.conf import settings
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from dialogue_event.admin import NamedBoxesTabularInline, RowCheckboxesMixin, StatusCountsMixin

from . import services
from .models import Announcement, Channel, Message, MessageStatus, Reminder


class ReminderInline(NamedBoxesTabularInline):
    """The event's reminders, edited on the event."""

    model = Reminder
    extra = 0


class MessageInline(admin.TabularInline):
    """A participant's messages, on their page in the admin."""

    model = Message
    extra = 0
    fields = ("kind", "channel", "status", "created_at", "sent_at", "last_error")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(RowCheckboxesMixin, StatusCountsMixin, admin.ModelAdmin):
    status_choices = MessageStatus
    # When, to whom, what and how it went, all in view on a 1,366 px laptop; the event is the first filter.
    list_display = ("created_at", "participant", "kind", "channel", "status", "attempts", "pass_on")
    list_filter = ("event", "kind", "status", "channel")
    search_fields = ("participant__full_name", "to_address", "subject")
    list_select_related = ("participant",)
    list_per_page = 50
    date_hierarchy = "created_at"
    actions = ["send_again", "cancel", "mark_delivered_by_hand"]
    fields = (
        "event", "participant", "kind", "channel", "to_address", "language", "status", "attempts", "last_error",
        "created_at", "sent_at", "delivered_at", "delivered_by", "gateway_id", "subject", "text_to_pass_on",
        "body_sms", "sms_parts",
    )  # fmt: skip
    readonly_fields = fields
    change_list_template = "admin/messaging/message/change_list.html"

    class Media:
        css = {"all": ["css/admin-lists.css"]}
        js = ["js/copy-link.js"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the log is what was sent; cancel a message instead

    @admin.display(description=_("text"))
    def text_to_pass_on(self, message):
        # Ready to paste into WhatsApp or an SMS, with the personal link in it.
        return render_to_string("admin/messaging/message/text_to_copy.html", {"text": message.body_text})

    @admin.display(description=_("pass on"))
    def pass_on(self, message):
        """In the by-hand list: WhatsApp opened on her number with the short text, in one tap, or the text to copy."""
        if message.channel != Channel.BY_HAND or message.status != MessageStatus.QUEUED:
            return ""
        return render_to_string("admin/messaging/message/pass_on.html", {"message": message})

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if "cl" in context:
            context["status_counts"] = self.status_counts(request, context["cl"])
            context["by_hand_url"] = context["cl"].get_query_string(
                {"channel__exact": Channel.BY_HAND, "status__exact": MessageStatus.QUEUED}
            )
        return response

    @admin.action(description=_("Send again"), permissions=["change"])
    def send_again(self, request, queryset):
        done = sum(services.send_again(message) for message in queryset.select_related("participant"))
        self._report(request, done, queryset.count())

    @admin.action(description=_("Cancel (if not sent yet)"), permissions=["change"])
    def cancel(self, request, queryset):
        done = sum(services.cancel(message) for message in queryset)
        self._report(request, done, queryset.count())

    @admin.action(description=_("Mark as delivered by hand"), permissions=["change"])
    def mark_delivered_by_hand(self, request, queryset):
        done = sum(services.mark_delivered_by_hand(message, by=request.user) for message in queryset)
        self._report(request, done, queryset.count())

    def _report(self, request, done, chosen):
        self.message_user(
            request,
            ngettext("%(count)d message done.", "%(count)d messages done.", done) % {"count": done},
            messages.SUCCESS,
        )
        if chosen > done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was left as it was: it was not in a state this action applies to.",
                    "%(count)d messages were left as they were: they were not in a state this action applies to.",
                    chosen - done,
                )
                % {"count": chosen - done},
                messages.WARNING,
            )


@admin.register(Announcement)
class AnnouncementAdmin(TabbedTranslationAdmin):
    """The organisers write to a group; each person gets it in their language, with their personal link."""

    list_display = ("subject", "event", "audience", "track", "created_by", "created_at")
    list_filter = ("event", "audience")
    search_fields = ("subject",)
    fields = ("event", "audience", "track", "subject", "text")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Said before sending: what of it reaches those who get SMS (templates/messaging/sms/announcement.txt).
        if db_field.name.startswith("subject") and field is not None:
            field.help_text = _(
                "Those who get SMS receive the subject and the start of the text, 64 characters in all, with their "
                "personal link: two SMS parts at most."
            )
        return field

    def get_readonly_fields(self, request, obj=None):
        # Once sent, the message is what people received: it is not edited afterwards.
        # The texts are shown in each language, as modeltranslation names their fields.
        if obj is None:
            return ()
        texts = [build_localized_fieldname(name, language) for name in ("subject", "text") for language, _name in settings.LANGUAGES]
        return ("event", "audience", "track", *texts)

    def save_model(self, request, obj, form, change):
        if change:
            return
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        queued = services.send_announcement(obj)
        self.message_user(
            request,
            ngettext(
                "The message is on its way to %(count)d person. Follow it in the list of messages.",
                "The message is on its way to %(count)d people. Follow it in the list of messages.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )
