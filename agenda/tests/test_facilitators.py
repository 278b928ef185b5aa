import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from agenda.services import participants_for_session
from participants.models import Consent, ConsentKind, ConsentMethod, Status, Visibility
from participants.tests.factories import ParticipantFactory
from recommendations.tests.factories import OrganiserFactory

from .factories import DoorStaffFactory, EventFactory, FacilitatorFactory, SessionFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
HOUR = datetime.timedelta(hours=1)


def url(name, language="en"):
    with translation.override(language):
        return reverse(f"agenda:{name}")


def test_anonymous_visitor_is_sent_to_the_facilitators_login(client):
    response = client.get(url("facilitator_sessions"))

    assert response.status_code == 302
    assert response["Location"] == url("facilitator_login") + "?next=" + url("facilitator_sessions")


def test_login_page_is_under_the_chosen_language(client):
    response = client.get(url("facilitator_login", "ky"))

    assert response.status_code == 200
    assert '<html lang="ky">' in response.content.decode()


def test_facilitator_logs_in_and_lands_on_their_sessions(client):
    facilitator = FacilitatorFactory(username="aigul")
    session = SessionFactory(title="Stories from the evacuation", facilitators=[facilitator])

    response = client.post(url("facilitator_login"), {"username": "aigul", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == url("facilitator_sessions")
    assert "Stories from the evacuation" in response.content.decode()
    assert f'id="session-{session.pk}"' in response.content.decode()


def test_a_wrong_password_is_refused_in_plain_kyrgyz(client):
    FacilitatorFactory(username="aigul")

    response = client.post(url("facilitator_login", "ky"), {"username": "aigul", "password": "wrong"})

    page = response.content.decode()
    assert "Сиз жазган колдонуучу аты же сырсөз туура эмес." in page
    assert "СезГичТүү" not in page


def test_wrong_password_is_refused_on_the_login_page(client):
    FacilitatorFactory(username="aigul")

    response = client.post(url("facilitator_login"), {"username": "aigul", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_user_who_is_not_a_facilitator_gets_a_friendly_refusal(client):
    client.force_login(UserFactory())

    response = client.get(url("facilitator_sessions"))

    assert response.status_code == 403
    assert "For facilitators only" in response.content.decode()
    assert url("facilitator_logout") in response.content.decode()


def test_facilitator_sees_only_their_sessions_upcoming_first(client):
    now = timezone.now()
    facilitator = FacilitatorFactory()
    past_event = EventFactory(starts_at=now - datetime.timedelta(days=30))
    upcoming_event = EventFactory()
    SessionFactory(event=past_event, title="Long ago", facilitators=[facilitator])
    start = upcoming_event.starts_at
    SessionFactory(event=upcoming_event, title="Later", facilitators=[facilitator], starts_at=start + 2 * HOUR)
    SessionFactory(event=upcoming_event, title="Sooner", facilitators=[facilitator])
    SessionFactory(event=upcoming_event, title="Reported on", rapporteur=facilitator, starts_at=start + 4 * HOUR)
    SessionFactory(event=upcoming_event, title="Somebody else's", facilitators=[FacilitatorFactory()])
    client.force_login(facilitator)

    response = client.get(url("facilitator_sessions"))

    assert [session.title for session in response.context["sessions"]] == ["Sooner", "Later", "Reported on", "Long ago"]
    assert "You are the rapporteur" in response.content.decode()


def test_organisers_see_every_session(client):
    SessionFactory(title="Somebody else's", facilitators=[FacilitatorFactory()])
    client.force_login(OrganiserFactory())

    response = client.get(url("facilitator_sessions"))

    assert response.status_code == 200
    assert [session.title for session in response.context["sessions"]] == ["Somebody else's"]
    assert "As an organiser you see every session." in response.content.decode()


@pytest.mark.parametrize("role", ["staff without a role", "door staff"])
def test_staff_without_the_organisers_role_see_no_session_and_nobody(client, role):
    session = SessionFactory(title="Somebody else's", facilitators=[FacilitatorFactory()])
    ParticipantFactory(event=session.event, full_name="Gulnara Esenbaeva", status=Status.REGISTERED)
    client.force_login(UserFactory(is_staff=True) if role == "staff without a role" else DoorStaffFactory())

    response = client.get(url("facilitator_sessions"))

    assert response.status_code == 403
    assert "Gulnara" not in response.content.decode()
    assert "Somebody else's" not in response.content.decode()


def test_session_lists_the_participants_holding_a_seat_with_their_needs(client):
    event = EventFactory()
    facilitator = FacilitatorFactory()
    track = TrackFactory(event=event)
    session = SessionFactory(event=event, track=track, interpretation_languages=["ky", "ru"], facilitators=[facilitator])
    ParticipantFactory(
        event=event, track=track, full_name="Gulnara Esenbaeva", status=Status.REGISTERED,
        organisation="Community mediation group", interpretation_language="uz",
    )  # fmt: skip
    ParticipantFactory(event=event, track=track, full_name="Waiting Person", status=Status.WAITLISTED)
    ParticipantFactory(event=event, track=track, full_name="Declined Person", status=Status.DECLINED)
    ParticipantFactory(event=event, track=TrackFactory(event=event), full_name="Other Track", status=Status.REGISTERED)
    ParticipantFactory(full_name="Other Event Person", status=Status.REGISTERED)
    client.force_login(facilitator)

    page = client.get(url("facilitator_sessions")).content.decode()

    assert [expected.name for expected in participants_for_session(session)] == ["Gulnara Esenbaeva"]
    assert "1 participant expected" in page
    assert "Community mediation group" in page
    assert "Needs interpretation into Uzbek" in page
    assert "Not offered in this session" in page
    for absent in ["Waiting Person", "Declined Person", "Other Event Person", "Other Track"]:
        assert absent not in page


@pytest.mark.parametrize(
    "who",
    [{"at_risk": True, "visibility": Visibility.LISTED}, {"visibility": Visibility.COUNTED_ONLY}],
    ids=["marked at risk", "asked to be only counted"],
)
def test_facilitators_count_protected_people_and_learn_only_what_they_must_not_do(client, who):
    event = EventFactory()
    facilitator = FacilitatorFactory()
    SessionFactory(event=event, track=None, facilitators=[facilitator])
    protected = ParticipantFactory(
        event=event, full_name="Zamira Yuldasheva", organisation="Leilek women's council",
        status=Status.ATTENDED, interpretation_language="ky", **who,
    )  # fmt: skip
    for kind in (ConsentKind.PHOTOGRAPHY, ConsentKind.MEDIA):
        Consent.objects.create(
            participant=protected, kind=kind, given=True, text_version="1", language="ru", method=ConsentMethod.WEB_FORM
        )
    client.force_login(facilitator)

    page = client.get(url("facilitator_sessions")).content.decode()

    assert "1 participant expected" in page
    assert "A participant (not named)" in page
    assert "Zamira" not in page and "Leilek women" not in page
    assert "Needs interpretation into Kyrgyz" in page
    assert "Do not quote" in page
    assert ("No photographs" in page) is who.get("at_risk", False)


def test_people_named_to_facilitators_show_who_may_not_be_photographed_or_quoted(client):
    event = EventFactory()
    facilitator = FacilitatorFactory()
    SessionFactory(event=event, track=None, facilitators=[facilitator])
    agreed = ParticipantFactory(event=event, full_name="Agreed Person", status=Status.REGISTERED)
    ParticipantFactory(event=event, full_name="Silent Person", status=Status.REGISTERED)
    for kind in (ConsentKind.PHOTOGRAPHY, ConsentKind.MEDIA):
        Consent.objects.create(
            participant=agreed, kind=kind, given=True, text_version="1", language="ru", method=ConsentMethod.WEB_FORM
        )
    client.force_login(facilitator)

    page = client.get(url("facilitator_sessions")).content.decode()

    agreed_row, silent_row = page.split("Agreed Person")[1].split("Silent Person")
    assert "No photographs" not in agreed_row and "Do not quote" not in agreed_row
    assert "No photographs" in silent_row and "Do not quote" in silent_row


def test_facilitator_logs_out_back_to_the_login_page(client):
    client.force_login(FacilitatorFactory())

    response = client.post(url("facilitator_logout"))

    assert response.status_code == 302
    assert response["Location"] == url("facilitator_login")
    assert client.get(url("facilitator_sessions")).status_code == 302


def test_facilitators_page_links_each_discussion_to_its_report_but_not_breaks(client):
    facilitator = FacilitatorFactory()
    event = EventFactory()
    session = SessionFactory(event=event, facilitators=[facilitator])
    SessionFactory(event=event, is_break=True, track=None, facilitators=[facilitator], starts_at=session.ends_at)
    client.force_login(facilitator)

    page = client.get(url("facilitator_sessions")).content.decode()

    assert page.count("Report and recommendations") == 1
    assert f'href="/en/facilitate/sessions/{session.pk}/report/"' in page
