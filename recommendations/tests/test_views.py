import html

import pytest
from django.urls import reverse
from django.utils import translation

from agenda.tests.factories import FacilitatorFactory, SessionFactory, UserFactory
from participants.tests.factories import ParticipantFactory
from recommendations import services
from recommendations.models import FormDraft, FrameworkArea, Quote, Recommendation, SessionReport
from recommendations.models import RecommendationStatus as Status

from .factories import (
    OrganiserFactory,
    RecommendationFactory,
    StartedSessionFactory,
    participant_who_may_be_quoted,
)

pytestmark = pytest.mark.django_db


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"recommendations:{name}", kwargs=kwargs)


@pytest.fixture
def world():
    """A started session with its facilitator, rapporteur, a draft recommendation and a quote; and another session."""
    facilitator, rapporteur = FacilitatorFactory(), FacilitatorFactory()
    session = StartedSessionFactory(facilitators=[facilitator], rapporteur=rapporteur)
    speaker = participant_who_may_be_quoted(session.event)
    quote = services.add_quote(session, by=facilitator, participant=speaker, text="Hear us.", language="ky")
    draft = RecommendationFactory(session=session, status=Status.DRAFT)
    other_facilitator = FacilitatorFactory()
    other_session = StartedSessionFactory(event=session.event, facilitators=[other_facilitator])
    return {
        "facilitator": facilitator,
        "rapporteur": rapporteur,
        "session": session,
        "speaker": speaker,
        "quote": quote,
        "draft": draft,
        "other_facilitator": other_facilitator,
        "other_session": other_session,
    }


def recommendation_data(**overrides):
    return {
        "text": "Include women from border villages in the demarcation commission.",
        "language": "en",
        "measure": "Amend the commission's statute.",
        "indicator": "At least 30% women in the commission by 2022.",
        "geographic_scope": "oblast",
        "place": "Batken",
        "priority": "high",
        "timeframe": "one_year",
        **overrides,
    }


# (method, url name, url kwargs from the world, data from the world)
PAGES = [
    ("get", "session_report", lambda w: {"session_pk": w["session"].pk}, None),
    ("post", "session_report", lambda w: {"session_pk": w["session"].pk}, lambda w: {"key_points": "Land"}),
    ("post", "report_draft", lambda w: {"session_pk": w["session"].pk}, lambda w: {"key_points": "La"}),
    (
        "post",
        "add_quote",
        lambda w: {"session_pk": w["session"].pk},
        lambda w: {"participant": w["speaker"].pk, "language": "ru", "text": "Again"},
    ),
    ("post", "delete_quote", lambda w: {"session_pk": w["session"].pk, "pk": w["quote"].pk}, lambda w: {}),
    ("get", "add_recommendation", lambda w: {"session_pk": w["session"].pk}, None),
    ("post", "add_recommendation", lambda w: {"session_pk": w["session"].pk}, lambda w: recommendation_data()),
    ("post", "new_recommendation_draft", lambda w: {"session_pk": w["session"].pk}, lambda w: {"text": "Incl"}),
    ("get", "edit_recommendation", lambda w: {"session_pk": w["session"].pk, "pk": w["draft"].pk}, None),
    (
        "post",
        "edit_recommendation",
        lambda w: {"session_pk": w["session"].pk, "pk": w["draft"].pk},
        lambda w: recommendation_data(),
    ),
    ("post", "recommendation_draft", lambda w: {"session_pk": w["session"].pk, "pk": w["draft"].pk}, lambda w: {"text": "x"}),
    ("post", "submit_recommendation", lambda w: {"session_pk": w["session"].pk, "pk": w["draft"].pk}, lambda w: {}),
    ("post", "delete_recommendation", lambda w: {"session_pk": w["session"].pk, "pk": w["draft"].pk}, lambda w: {}),
]
PAGE_IDS = [f"{method} {name}" for method, name, _kwargs, _data in PAGES]


def request(client, world, page):
    method, name, kwargs, data = page
    address = url(name, **kwargs(world))
    return getattr(client, method)(address, data(world) if data else None)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_anonymous_visitor_is_sent_to_the_facilitators_login(client, world, page):
    response = request(client, world, page)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("agenda:facilitator_login"))


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_participant_with_her_personal_link_is_sent_to_the_login(client, world, page):
    participant = ParticipantFactory(event=world["session"].event)
    client.get(participant.get_personal_url())

    response = request(client, world, page)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("agenda:facilitator_login"))


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_user_who_is_not_a_facilitator_is_refused(client, world, page):
    client.force_login(UserFactory())

    response = request(client, world, page)

    assert response.status_code == 403
    assert "For facilitators only" in response.content.decode()


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_facilitator_of_another_session_gets_not_found(client, world, page):
    client.force_login(world["other_facilitator"])

    response = request(client, world, page)

    assert response.status_code == 404
    assert Recommendation.objects.get().status == Status.DRAFT
    assert Quote.objects.count() == 1
    assert not SessionReport.objects.filter(key_points="Land").exists()


@pytest.mark.parametrize("user", ["facilitator", "rapporteur", "organiser"])
@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_facilitator_rapporteur_and_organiser_may_use_the_page(client, world, page, user):
    client.force_login(OrganiserFactory() if user == "organiser" else world[user])

    response = request(client, world, page)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "login" not in response["Location"]


def test_recommendation_of_another_session_under_this_sessions_address_is_not_found(client, world):
    client.force_login(world["facilitator"])
    theirs = RecommendationFactory(session=world["other_session"], status=Status.DRAFT)

    for name in ("edit_recommendation", "recommendation_draft", "submit_recommendation", "delete_recommendation"):
        response = client.post(url(name, session_pk=world["session"].pk, pk=theirs.pk), recommendation_data(text="Mine now"))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.DRAFT and theirs.text != "Mine now"


def test_tampered_quote_of_a_person_who_did_not_consent_is_refused(client, world):
    client.force_login(world["facilitator"])
    unasked = ParticipantFactory(event=world["session"].event)

    response = client.post(
        url("add_quote", session_pk=world["session"].pk), {"participant": unasked.pk, "language": "ru", "text": "Said"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Quote.objects.filter(participant=unasked).exists()


def test_tampered_framework_area_of_another_framework_is_refused(client, world):
    client.force_login(world["facilitator"])
    nap_area = FrameworkArea.objects.get(framework__slug="kyrgyzstan-nap-2018-2020", number="1")

    response = client.post(
        url("add_recommendation", session_pk=world["session"].pk), recommendation_data(framework_area=nap_area.pk)
    )

    assert response.status_code == 200
    assert Recommendation.objects.count() == 1


def test_facilitator_writes_the_report(client, world):
    client.force_login(world["facilitator"])

    response = client.post(
        url("session_report", session_pk=world["session"].pk),
        {"key_points": "Water and land", "women_count": "14", "men_count": "2", "other_count": ""},
        follow=True,
    )

    report = SessionReport.objects.get(session=world["session"])
    assert (report.key_points, report.women_count, report.men_count, report.other_count) == ("Water and land", 14, 2, None)
    assert report.updated_by == world["facilitator"]
    assert "The report is saved." in response.content.decode()
    assert not FormDraft.objects.exists()


def test_report_that_fails_validation_keeps_everything_typed(client, world):
    client.force_login(world["facilitator"])

    response = client.post(
        url("session_report", session_pk=world["session"].pk),
        {"key_points": "Long notes typed on a bus", "women_count": "-3", "men_count": "2"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Long notes typed on a bus" in page
    assert 'value="-3"' in page
    assert not SessionReport.objects.filter(key_points="Long notes typed on a bus").exists()


def test_recommendation_that_fails_validation_keeps_everything_typed(client, world):
    client.force_login(world["facilitator"])
    area = FrameworkArea.objects.get(framework__slug="unscr-1325-pillars", number="1")

    response = client.post(
        url("add_recommendation", session_pk=world["session"].pk),
        recommendation_data(text="", framework_area=area.pk, measure="A measure worth keeping"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "A measure worth keeping" in page
    assert f'value="{area.pk}"' in page and "checked" in page
    assert Recommendation.objects.count() == 1


def test_facilitator_adds_a_recommendation_as_a_draft_then_submits_it(client, world):
    client.force_login(world["facilitator"])
    area = FrameworkArea.objects.get(framework__slug="unscr-1325-pillars", number="1")

    client.post(url("add_recommendation", session_pk=world["session"].pk), recommendation_data(framework_area=area.pk))
    recommendation = Recommendation.objects.exclude(pk=world["draft"].pk).get()
    assert recommendation.status == Status.DRAFT
    assert recommendation.framework_area == area
    assert recommendation.created_by == world["facilitator"]

    client.post(url("submit_recommendation", session_pk=world["session"].pk, pk=recommendation.pk))
    recommendation.refresh_from_db()
    assert recommendation.status == Status.SUBMITTED
    assert recommendation.submitted_by == world["facilitator"]


def test_save_and_submit_in_one_step(client, world):
    client.force_login(world["facilitator"])

    client.post(
        url("edit_recommendation", session_pk=world["session"].pk, pk=world["draft"].pk),
        recommendation_data(text="Rewritten", submit=""),
    )

    world["draft"].refresh_from_db()
    assert (world["draft"].text, world["draft"].status) == ("Rewritten", Status.SUBMITTED)


def test_submitted_recommendation_is_shown_but_not_editable(client, world):
    client.force_login(world["facilitator"])
    submitted = services.submit(world["draft"], by=world["facilitator"])

    page = client.get(url("edit_recommendation", session_pk=world["session"].pk, pk=submitted.pk)).content.decode()
    client.post(url("edit_recommendation", session_pk=world["session"].pk, pk=submitted.pk), recommendation_data(text="Changed"))

    assert "<form method=\"post\" novalidate" not in page
    submitted.refresh_from_db()
    assert submitted.text != "Changed"


def test_report_before_the_session_starts_says_when_it_opens(client):
    facilitator = FacilitatorFactory()
    session = SessionFactory(facilitators=[facilitator])
    client.force_login(facilitator)

    page = client.get(url("session_report", session_pk=session.pk)).content.decode()
    response = client.post(url("session_report", session_pk=session.pk), {"key_points": "Early"})

    assert "The report can be written once the session has started." in page
    assert response.status_code == 200
    assert not SessionReport.objects.exists()


def test_typed_text_is_kept_and_shown_again_after_a_dropped_connection(client, world):
    client.force_login(world["facilitator"])

    answer = client.post(
        url("new_recommendation_draft", session_pk=world["session"].pk),
        {"text": "Half a sentence about", "women_count": "1o", "addressees": ["1", "2"]},
    )
    assert answer.status_code == 200
    assert "Draft kept" in answer.json()["message"]

    page = client.get(url("add_recommendation", session_pk=world["session"].pk)).content.decode()
    assert "Half a sentence about" in page
    assert "which is not saved yet" in page
    assert "This field is required" not in page


def test_report_draft_typed_after_the_last_save_is_restored(client, world):
    client.force_login(world["facilitator"])
    services.save_report(world["session"], by=world["facilitator"], key_points="Saved version")

    client.post(url("report_draft", session_pk=world["session"].pk), {"key_points": "Typed later", "women_count": "1o"})
    page = client.get(url("session_report", session_pk=world["session"].pk)).content.decode()
    assert "Typed later" in page and "Saved version" not in page

    client.post(url("report_draft", session_pk=world["session"].pk), {"discard": "1"})
    page = client.get(url("session_report", session_pk=world["session"].pk)).content.decode()
    assert "Saved version" in page and "Typed later" not in page


def test_drafts_are_kept_per_person(client, world):
    client.force_login(world["facilitator"])
    client.post(url("report_draft", session_pk=world["session"].pk), {"key_points": "Mine, unsaved"})

    client.force_login(world["rapporteur"])
    page = client.get(url("session_report", session_pk=world["session"].pk)).content.decode()

    assert "Mine, unsaved" not in page


def test_quote_picker_offers_only_people_who_consented(client, world):
    unasked = ParticipantFactory(event=world["session"].event, full_name="Never Asked")
    client.force_login(world["facilitator"])

    page = client.get(url("session_report", session_pk=world["session"].pk)).content.decode()

    assert world["speaker"].full_name in page
    assert unasked.full_name not in page


def test_report_page_works_in_kyrgyz(client, world):
    client.force_login(world["facilitator"])

    response = client.get(url("session_report", "ky", session_pk=world["session"].pk))

    assert response.status_code == 200
    assert '<html lang="ky">' in response.content.decode()


def test_link_for_the_agenda_page_leads_to_the_report(world):
    from django.template.loader import render_to_string

    html = render_to_string("recommendations/includes/session_report_link.html", {"session": world["session"]})

    assert url("session_report", session_pk=world["session"].pk) in html


def test_new_recommendation_is_assumed_to_be_in_the_pages_language(client, world):
    client.force_login(world["facilitator"])

    response = client.get(url("add_recommendation", "ru", session_pk=world["session"].pk))

    assert response.context["form"]["language"].value() == "ru"


def test_facilitator_deletes_a_draft_but_not_a_submitted_recommendation(client, world):
    client.force_login(world["facilitator"])
    submitted = RecommendationFactory(session=world["session"])

    client.post(url("delete_recommendation", session_pk=world["session"].pk, pk=world["draft"].pk))
    response = client.post(url("delete_recommendation", session_pk=world["session"].pk, pk=submitted.pk), follow=True)

    assert list(Recommendation.objects.all()) == [submitted]
    assert "Only a draft can be deleted" in response.content.decode()
    assert world["draft"].history.latest().history_type == "-"


def test_facilitator_report_with_a_control_character_is_refused(client, world):
    client.force_login(world["facilitator"])

    response = client.post(
        url("session_report", session_pk=world["session"].pk),
        {"key_points": "Water\x0band land", "women_count": "14", "men_count": "2"},
    )

    assert "This text contains an invisible control character" in html.unescape(response.content.decode())
    assert not SessionReport.objects.filter(session=world["session"], key_points__contains="Water").exists()
