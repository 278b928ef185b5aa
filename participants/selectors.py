"""Read queries that several places need: the door, the attendance sheets, the exports."""

from django.contrib.auth import get_user_model
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from .models import Consent, ConsentKind, Status, StatusChange


def _last_check_in():
    return StatusChange.objects.filter(participant=OuterRef("pk"), to_status=Status.ATTENDED).order_by(
        "-changed_at", "-pk"
    )


def with_check_in(participants):
    """Annotate when each person was last checked in (`checked_in_at`) and by whom (`checked_in_by`, a name)."""
    user_name = (
        get_user_model()
        .objects.filter(pk=OuterRef("changed_by"))
        .annotate(shown=Coalesce(NullIf(Trim(Concat("first_name", Value(" "), "last_name")), Value("")), "username"))
        .values("shown")
    )
    by = _last_check_in().annotate(by_name=Subquery(user_name, output_field=CharField())).values("by_name")[:1]
    return participants.annotate(
        checked_in_at=Subquery(_last_check_in().values("changed_at")[:1]),
        checked_in_by=Subquery(by, output_field=CharField()),
    )


def sms_stopped(participant_ids):
    """The ids, among these, of the people whose last word on SMS was "stop"."""
    latest = (
        Consent.objects.filter(participant__in=list(participant_ids), kind=ConsentKind.SMS)
        .order_by("participant", "-recorded_at", "-pk")
        .distinct("participant")
        .values_list("participant", "given")
    )
    return {participant for participant, given in latest if not given}
