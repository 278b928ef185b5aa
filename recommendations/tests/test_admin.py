import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from agenda.tests.factories import FacilitatorFactory, TrackFactory, UserFactory
from recommendations.models import Addressee, FrameworkArea, Recommendation
from recommendations.models import RecommendationStatus as Status

from .factories import OrganiserFactory, RecommendationFactory, StartedSessionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/recommendations/recommendation/"
CONSOLIDATE = "/admin/recommendations/recommendation/consolidate/"


@pytest.fixture
def organiser(client):
    user = OrganiserFactory()
    client.force_login(user)
    return user


def act(client, action, recommendations, address=CHANGELIST, **data):
    return client.post(
        address, {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in recommendations], **data}, follow=True
    )


def test_consolidation_address_is_as_documented():
    assert reverse("admin:recommendations_recommendation_consolidate") == CONSOLIDATE


@pytest.mark.parametrize("address", [CHANGELIST, CONSOLIDATE])
def test_facilitators_and_anonymous_visitors_cannot_reach_the_organisers_pages(client, address):
    RecommendationFactory()
    assert client.get(address).status_code == 302  # to the admin's login

    client.force_login(FacilitatorFactory())
    assert client.get(address).status_code == 302

    client.force_login(UserFactory(is_staff=True))  # staff, but not an organiser
    assert client.get(address).status_code == 403


def test_organiser_accepts_selected_recommendations(client, organiser):
    submitted, draft = RecommendationFactory(), RecommendationFactory(status=Status.DRAFT)

    response = act(client, "accept_selected", [submitted, draft])

    submitted.refresh_from_db(), draft.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == (Status.ACCEPTED, organiser)
    assert draft.status == Status.DRAFT
    page = response.content.decode()
    assert "1 recommendation accepted." in page
    assert "cannot be accepted" in page


def test_not_retaining_asks_for_the_reason_first(client, organiser):
    recommendation = RecommendationFactory()

    response = act(client, "not_retain_selected", [recommendation])
    assert "Why they are not retained" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == Status.SUBMITTED

    response = act(client, "not_retain_selected", [recommendation], apply="1", reason="")
    assert "This field is required" in response.content.decode()

    act(client, "not_retain_selected", [recommendation], apply="1", reason="Already in the law on local councils")
    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_RETAINED
    assert recommendation.not_retained_reason == "Already in the law on local councils"


def test_organiser_reads_what_an_action_answers_in_russian(client, organiser, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    page = act(client, "merge_selected", [RecommendationFactory()]).content.decode()

    assert "Выберите не меньше двух рекомендаций для объединения." in page


def test_merging_selected_duplicates_into_the_one_picked(client, organiser):
    kept = RecommendationFactory(text="Women in the border commission")
    session = kept.session
    duplicates = [RecommendationFactory(session=session), RecommendationFactory(session=session)]

    page = act(client, "merge_selected", [kept, *duplicates]).content.decode()
    assert "Choose the recommendation to keep" in page
    assert "Women in the border commission" in page

    act(client, "merge_selected", [kept, *duplicates], apply="1", target=kept.pk)

    kept.refresh_from_db()
    assert kept.status == Status.SUBMITTED
    assert set(kept.merged_from.all()) == set(duplicates)
    assert all(Recommendation.objects.get(pk=d.pk).status == Status.MERGED for d in duplicates)


def test_merging_needs_two_of_the_same_event(client, organiser):
    one, elsewhere = RecommendationFactory(), RecommendationFactory()

    assert "at least two" in act(client, "merge_selected", [one]).content.decode()
    assert "same event" in act(client, "merge_selected", [one, elsewhere]).content.decode()
    assert not Recommendation.objects.filter(status=Status.MERGED).exists()


def test_status_cannot_be_changed_by_editing_the_form(client, organiser):
    recommendation = RecommendationFactory()

    page = client.get(f"{CHANGELIST}{recommendation.pk}/change/").content.decode()

    assert 'name="status"' not in page


def test_history_shows_who_changed_what(client, organiser):
    facilitator = FacilitatorFactory(first_name="Gulnara", last_name="Facilitator")
    from recommendations import services

    recommendation = services.submit(RecommendationFactory(status=Status.DRAFT), by=facilitator)
    services.accept(recommendation, by=organiser)

    page = client.get(f"{CHANGELIST}{recommendation.pk}/history/").content.decode()

    assert facilitator.username in page or "Gulnara" in page
    assert "submitted" in page and "accepted" in page


def test_changelist_filters_by_event_track_area_addressee_and_status(client, organiser):
    track = TrackFactory()
    area = FrameworkArea.objects.get(framework__slug="unscr-1325-pillars", number="3")
    parliament = Addressee.objects.get(name_en="Parliament (Jogorku Kenesh)")
    wanted = RecommendationFactory(
        session=StartedSessionFactory(event=track.event, track=track), framework_area=area, text="Wanted one"
    )
    wanted.addressees.add(parliament)
    RecommendationFactory(session=wanted.session, text="Other status", status=Status.DRAFT)
    RecommendationFactory(text="Other event")

    response = client.get(
        CHANGELIST,
        {
            "session__event__id__exact": track.event.pk,
            "session__track__id__exact": track.pk,
            "framework_area__id__exact": area.pk,
            "addressees__id__exact": parliament.pk,
            "status__exact": "submitted",
        },
    )

    assert [r.pk for r in response.context["cl"].result_list] == [wanted.pk]


def test_consolidation_groups_by_track_and_framework_area_with_counts(client, organiser):
    event = StartedSessionFactory().event
    water, land = TrackFactory(event=event, title="Water", order=1), TrackFactory(event=event, title="Land", order=2)
    participation = FrameworkArea.objects.get(framework__slug="unscr-1325-pillars", number="1")
    protection = FrameworkArea.objects.get(framework__slug="unscr-1325-pillars", number="3")
    water_session = StartedSessionFactory(event=event, track=water)
    land_session = StartedSessionFactory(event=event, track=land)
    RecommendationFactory.create_batch(2, session=water_session, framework_area=participation)
    RecommendationFactory(session=water_session, framework_area=protection)
    RecommendationFactory(session=land_session, framework_area=None, status=Status.ACCEPTED)
    RecommendationFactory()  # another event

    response = client.get(CONSOLIDATE, {"event": event.pk})

    groups = response.context["groups"]
    assert [(g["track"].title, g["count"]) for g in groups] == [("Water", 3), ("Land", 1)]
    assert [(block["area"], block["count"]) for block in groups[0]["areas"]] == [(participation, 2), (protection, 1)]
    assert groups[1]["areas"][0]["area"] is None
    assert response.context["total"] == 4
    page = response.content.decode()
    assert "Water (3)" in page and "No framework area yet (1)" in page

    accepted_only = client.get(CONSOLIDATE, {"event": event.pk, "status": "accepted"})
    assert [(g["track"].title, g["count"]) for g in accepted_only.context["groups"]] == [("Land", 1)]


def test_consolidation_filters_by_addressee(client, organiser):
    session = StartedSessionFactory()
    cabinet = Addressee.objects.get(name_en="Cabinet of Ministers")
    for_cabinet = RecommendationFactory(session=session)
    for_cabinet.addressees.add(cabinet)
    RecommendationFactory(session=session)

    response = client.get(CONSOLIDATE, {"event": session.event.pk, "addressee": cabinet.pk})

    assert [item for g in response.context["groups"] for b in g["areas"] for item in b["items"]] == [for_cabinet]


def test_duplicates_merge_from_the_consolidation_page_in_a_few_clicks(client, organiser):
    kept = RecommendationFactory()
    duplicate = RecommendationFactory(session=kept.session)
    address = f"{CONSOLIDATE}?event={kept.session.event_id}"

    page = act(client, "merge_selected", [kept, duplicate], address=address).content.decode()
    assert "Choose the recommendation to keep" in page
    response = act(client, "merge_selected", [kept, duplicate], address=address, apply="1", target=kept.pk)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert response.redirect_chain[-1][0] == address
    assert "1 recommendation merged into" in response.content.decode()


def test_consolidation_page_ignores_recommendations_of_other_events(client, organiser):
    mine = RecommendationFactory()
    theirs = RecommendationFactory()

    act(client, "accept_selected", [mine, theirs], address=f"{CONSOLIDATE}?event={mine.session.event_id}")

    assert Recommendation.objects.get(pk=mine.pk).status == Status.ACCEPTED
    assert Recommendation.objects.get(pk=theirs.pk).status == Status.SUBMITTED
