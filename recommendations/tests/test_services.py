import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agenda.tests.factories import FacilitatorFactory, SessionFactory
from participants.models import Consent, ConsentKind, ConsentMethod
from participants.tests.factories import ParticipantFactory
from recommendations import services
from recommendations.models import EventFramework, Framework, Quote, Recommendation, SessionReport
from recommendations.models import RecommendationStatus as Status
from recommendations.services import TransitionNotAllowed

from .factories import (
    OrganiserFactory,
    RecommendationFactory,
    StartedSessionFactory,
    participant_who_may_be_quoted,
)

pytestmark = pytest.mark.django_db


def test_seeded_frameworks_are_the_1325_pillars_and_the_2018_2020_nap():
    pillars = Framework.objects.get(slug="unscr-1325-pillars")
    nap = Framework.objects.get(slug="kyrgyzstan-nap-2018-2020")

    assert [area.title_en for area in pillars.areas.all()] == [
        "Participation",
        "Prevention",
        "Protection",
        "Relief and recovery",
    ]
    assert [area.title_ru for area in pillars.areas.all()][0] == "Участие"
    assert nap.areas.count() == 3
    assert nap.areas.first().title_en == "Women's participation, including at decision-making level"
    assert all(area.title_ky for area in nap.areas.all())


def test_event_uses_the_default_framework_until_it_picks_one():
    session = StartedSessionFactory()
    assert Framework.for_event(session.event).slug == "unscr-1325-pillars"

    nap = Framework.objects.get(slug="kyrgyzstan-nap-2018-2020")
    EventFramework.objects.create(event=session.event, framework=nap)
    assert Framework.for_event(session.event) == nap


def test_report_is_saved_with_who_wrote_it_and_history():
    facilitator = FacilitatorFactory()
    session = StartedSessionFactory(facilitators=[facilitator])

    services.save_report(session, by=facilitator, key_points="Land and water", women_count=12, men_count=3)
    report = services.save_report(session, by=facilitator, key_points="Land, water and schools")

    assert SessionReport.objects.get().key_points == "Land, water and schools"
    assert report.participant_count == 15
    assert [entry.history_user for entry in report.history.all()] == [facilitator, facilitator]


def test_report_cannot_be_written_before_the_session_starts():
    facilitator = FacilitatorFactory()
    session = SessionFactory(facilitators=[facilitator])  # next month

    with pytest.raises(ValidationError):
        services.save_report(session, by=facilitator, key_points="Too early")
    with pytest.raises(ValidationError):
        services.add_recommendation(session, by=facilitator, text="Too early", language="en")


def test_only_people_who_agreed_to_be_quoted_can_be_quoted():
    facilitator = FacilitatorFactory()
    session = StartedSessionFactory(facilitators=[facilitator])
    willing = participant_who_may_be_quoted(session.event)
    unasked = ParticipantFactory(event=session.event)
    changed_her_mind = participant_who_may_be_quoted(session.event)
    Consent.objects.create(
        participant=changed_her_mind,
        kind=ConsentKind.MEDIA,
        given=False,
        text_version="test",
        language="en",
        method=ConsentMethod.PAPER,
        recorded_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    at_risk = participant_who_may_be_quoted(session.event, at_risk=True)
    elsewhere = participant_who_may_be_quoted(StartedSessionFactory().event)

    services.add_quote(session, by=facilitator, participant=willing, text="We want to be heard.", language="ky")
    for participant in (unasked, changed_her_mind, at_risk, elsewhere):
        with pytest.raises(ValidationError):
            services.add_quote(session, by=facilitator, participant=participant, text="Anything", language="ru")

    assert [quote.participant for quote in Quote.objects.all()] == [willing]


def test_quote_leaves_the_publishable_ones_when_consent_is_withdrawn():
    facilitator = FacilitatorFactory()
    session = StartedSessionFactory(facilitators=[facilitator])
    speaker = participant_who_may_be_quoted(session.event)
    services.add_quote(session, by=facilitator, participant=speaker, text="We want to be heard.", language="ky")
    assert Quote.objects.publishable().count() == 1

    Consent.objects.create(
        participant=speaker,
        kind=ConsentKind.MEDIA,
        given=False,
        text_version="test",
        language="en",
        method=ConsentMethod.PAPER,
        recorded_at=timezone.now() + datetime.timedelta(seconds=1),
    )

    assert Quote.objects.publishable().count() == 0


def test_new_recommendation_is_a_draft_written_by_the_facilitator():
    facilitator = FacilitatorFactory()
    session = StartedSessionFactory(facilitators=[facilitator])

    recommendation = services.add_recommendation(
        session, by=facilitator, text="Квота 30 % для женщин в айыл кенешах", language="ru", translation_en="A 30% quota"
    )

    assert recommendation.status == Status.DRAFT
    assert recommendation.created_by == facilitator
    assert recommendation.text_in("en") == "A 30% quota"
    assert recommendation.text_in("ky") == "Квота 30 % для женщин в айыл кенешах"
    assert recommendation.history.get().history_user == facilitator


def test_translation_into_the_original_language_is_refused():
    facilitator = FacilitatorFactory()
    session = StartedSessionFactory(facilitators=[facilitator])

    with pytest.raises(ValidationError) as error:
        services.add_recommendation(session, by=facilitator, text="Квота", language="ru", translation_ru="Квота")

    assert "translation_ru" in error.value.error_dict


def test_submit_then_accept_records_who_and_when():
    facilitator, organiser = FacilitatorFactory(), OrganiserFactory()
    recommendation = RecommendationFactory(status=Status.DRAFT)

    services.submit(recommendation, by=facilitator)
    accepted = services.accept(recommendation, by=organiser)

    assert accepted.status == Status.ACCEPTED
    assert accepted.submitted_by == facilitator and accepted.submitted_at
    assert accepted.reviewed_by == organiser and accepted.reviewed_at
    history = list(accepted.history.order_by("history_date").values_list("status", "history_user", "history_change_reason"))
    assert history[-2:] == [("submitted", facilitator.pk, "submitted"), ("accepted", organiser.pk, "accepted")]


def test_draft_cannot_be_reviewed_and_submitted_cannot_be_submitted_again():
    organiser = OrganiserFactory()
    draft = RecommendationFactory(status=Status.DRAFT)
    submitted = RecommendationFactory()

    with pytest.raises(TransitionNotAllowed):
        services.accept(draft, by=organiser)
    with pytest.raises(TransitionNotAllowed):
        services.not_retain(draft, by=organiser, reason="Too vague")
    with pytest.raises(TransitionNotAllowed):
        services.submit(submitted, by=organiser)


def test_submitted_recommendation_cannot_be_edited_by_the_facilitator():
    facilitator = FacilitatorFactory()
    recommendation = RecommendationFactory()

    with pytest.raises(TransitionNotAllowed):
        services.edit_recommendation(recommendation, by=facilitator, text="Changed afterwards")


def test_only_organisers_review():
    facilitator = FacilitatorFactory()
    recommendation = RecommendationFactory(session__facilitators=[facilitator])

    with pytest.raises(PermissionDenied):
        services.accept(recommendation, by=facilitator)
    assert Recommendation.objects.get().status == Status.SUBMITTED


def test_not_retained_needs_a_reason_and_keeps_it():
    organiser = OrganiserFactory()
    recommendation = RecommendationFactory()

    with pytest.raises(ValidationError):
        services.not_retain(recommendation, by=organiser, reason="  ")
    services.not_retain(recommendation, by=organiser, reason="Outside the plan's scope")

    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_RETAINED
    assert recommendation.not_retained_reason == "Outside the plan's scope"


def test_not_retained_recommendation_can_be_accepted_after_all():
    organiser = OrganiserFactory()
    recommendation = services.not_retain(RecommendationFactory(), by=organiser, reason="Duplicate?")

    accepted = services.accept(recommendation, by=organiser)

    assert accepted.status == Status.ACCEPTED
    assert accepted.not_retained_reason == ""


def test_merge_keeps_a_link_to_where_it_went():
    organiser = OrganiserFactory()
    kept = RecommendationFactory()
    duplicate = RecommendationFactory(session__event=kept.session.event)

    merged = services.merge(duplicate, into=kept, by=organiser)

    assert merged.status == Status.MERGED
    assert merged.merged_into == kept
    assert list(kept.merged_from.all()) == [duplicate]
    assert merged.history.first().history_user == organiser


def test_merge_refuses_another_event_itself_and_a_set_aside_target():
    organiser = OrganiserFactory()
    recommendation = RecommendationFactory()
    other_event = RecommendationFactory()
    set_aside = services.not_retain(
        RecommendationFactory(session__event=recommendation.session.event), by=organiser, reason="Vague"
    )
    draft = RecommendationFactory(session__event=recommendation.session.event, status=Status.DRAFT)

    for target in (other_event, recommendation, set_aside, draft):
        with pytest.raises(TransitionNotAllowed):
            services.merge(recommendation, into=target, by=organiser)
    assert Recommendation.objects.get(pk=recommendation.pk).status == Status.SUBMITTED


def test_merged_recommendation_cannot_be_merged_or_accepted_again():
    organiser = OrganiserFactory()
    kept = RecommendationFactory()
    duplicate = services.merge(RecommendationFactory(session__event=kept.session.event), into=kept, by=organiser)
    third = RecommendationFactory(session__event=kept.session.event)

    with pytest.raises(TransitionNotAllowed):
        services.accept(duplicate, by=organiser)
    with pytest.raises(TransitionNotAllowed):
        services.merge(duplicate, into=third, by=organiser)
    with pytest.raises(TransitionNotAllowed):
        services.merge(third, into=duplicate, by=organiser)


def test_sessions_for_reporting_are_the_users_own_and_all_for_organisers():
    facilitator, rapporteur = FacilitatorFactory(), FacilitatorFactory()
    own = StartedSessionFactory(facilitators=[facilitator])
    reported = StartedSessionFactory(rapporteur=rapporteur)
    other = StartedSessionFactory(facilitators=[FacilitatorFactory()])

    assert list(services.sessions_for_reporting(facilitator)) == [own]
    assert list(services.sessions_for_reporting(rapporteur)) == [reported]
    assert set(services.sessions_for_reporting(OrganiserFactory())) == {own, reported, other}
