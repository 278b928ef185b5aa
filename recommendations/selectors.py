"""Shared read queries of the recommendations app."""

from django.db.models import BooleanField, DateTimeField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import FOLLOW_UP_INTERVAL, FollowUpUpdate, OutcomeVersion, Recommendation, RecommendationStatus


def followed_recommendations():
    """Accepted recommendations of events whose final outcome is published: those whose follow-up is reported.

    Each carries `last_reported_on` (its latest update's date, or the day the
    outcome was first published while it has none) and `follow_up_ended`
    (its latest status is final, so no update is due any more).
    """
    latest = FollowUpUpdate.objects.filter(recommendation=OuterRef("pk")).order_by("-date", "-recorded_at", "-pk")
    first_published = (
        OutcomeVersion.objects.filter(publication__event=OuterRef("session__event"))
        .order_by("published_at")
        .values("published_at")[:1]
    )
    return (
        Recommendation.objects.filter(status=RecommendationStatus.ACCEPTED)
        .annotate(outcome_published_at=Subquery(first_published, output_field=DateTimeField()))
        .filter(outcome_published_at__isnull=False)
        .annotate(
            last_reported_on=Coalesce(Subquery(latest.values("date")[:1]), TruncDate("outcome_published_at")),
            follow_up_ended=Coalesce(
                Subquery(latest.values("status__is_final")[:1]), Value(False), output_field=BooleanField()
            ),
        )
    )


def with_follow_up_updates(recommendations):
    """Each recommendation's updates as `updates`, latest first (two queries in all)."""
    return recommendations.prefetch_related(
        Prefetch(
            "follow_up_updates",
            queryset=FollowUpUpdate.objects.select_related("status", "body", "recorded_by"),
            to_attr="updates",
        )
    )


def next_update_due(recommendation):
    """The date its next half-yearly update is due, for a recommendation of `followed_recommendations`."""
    return recommendation.last_reported_on + FOLLOW_UP_INTERVAL


def update_due(recommendations, on=None):
    """Those whose update is due by the given day (today): the last one is six months old or more."""
    cutoff = (on or timezone.localdate()) - FOLLOW_UP_INTERVAL
    return recommendations.filter(follow_up_ended=False, last_reported_on__lte=cutoff)


def update_not_yet_due(recommendations, on=None):
    cutoff = (on or timezone.localdate()) - FOLLOW_UP_INTERVAL
    return recommendations.filter(follow_up_ended=False, last_reported_on__gt=cutoff)
