"""A participant's discussion track: chosen on the form or later, within the track's places."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from agenda.services import participants_for_session
from agenda.tests.factories import SessionFactory, TrackFactory, UserFactory
from participants import services
from participants.admin import ParticipantAdminForm
from participants.models import Participant, Status

from .factories import ParticipantFactory
from .test_views import form_data, personal_url, register_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracks(open_event):
    return [
        TrackFactory(event=open_event, order=1, title="Emergency response", capacity=1),
        TrackFactory(event=open_event, order=2, title="Humanitarian aid", capacity=None),
    ]


def test_registration_keeps_the_chosen_track(client, open_event, tracks):
    response = client.post(register_url(open_event), form_data(open_event, track=tracks[1].pk))

    assert response.status_code == 302
    assert Participant.objects.get(event=open_event).track == tracks[1]


def test_full_track_is_marked_full_on_the_form(client, open_event, tracks):
    ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[0])

    page = client.get(register_url(open_event)).content.decode()

    assert "Emergency response (full)" in page
    assert "Humanitarian aid (full)" not in page


def test_full_track_is_refused_with_a_clear_message_and_nothing_saved(client, open_event, tracks):
    ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[0])

    response = client.post(register_url(open_event), form_data(open_event, track=tracks[0].pk))

    assert response.status_code == 400
    assert "This track is full. Please choose another one." in response.content.decode()
    assert "Айгүл Өмүрбекова" in response.content.decode()  # what was typed is kept
    assert Participant.objects.filter(event=open_event).count() == 1


def test_waitlisted_and_declined_people_leave_their_track_place_free(client, open_event, tracks):
    ParticipantFactory(event=open_event, status=Status.DECLINED, track=tracks[0])
    ParticipantFactory(event=open_event, status=Status.WAITLISTED, track=tracks[0])

    response = client.post(register_url(open_event), form_data(open_event, track=tracks[0].pk))

    assert response.status_code == 302


def test_participant_changes_track_through_the_personal_page(client, open_event, tracks):
    participant = ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[0])
    client.get(personal_url(participant))
    data = form_data(open_event, email=participant.email, phone=participant.phone, track=tracks[1].pk)

    response = client.post(f"/en/events/{open_event.slug}/me/", data, follow=True)

    assert "Your changes are saved." in response.content.decode()
    participant.refresh_from_db()
    assert participant.track == tracks[1]


def test_person_in_a_full_track_keeps_it_when_changing_other_details(client, open_event, tracks):
    participant = ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[0])
    client.get(personal_url(participant))
    data = form_data(open_event, email=participant.email, phone=participant.phone, track=tracks[0].pk)

    response = client.post(f"/en/events/{open_event.slug}/me/", {**data, "dietary_needs": "Halal"}, follow=True)

    assert "Your changes are saved." in response.content.decode()
    participant.refresh_from_db()
    assert (participant.track, participant.dietary_needs) == (tracks[0], "Halal")


def test_event_without_tracks_asks_no_track(client, open_event):
    page = client.get(register_url(open_event)).content.decode()

    assert 'name="track"' not in page
    assert client.post(register_url(open_event), form_data(open_event)).status_code == 302


def test_track_check_refuses_the_last_place_to_a_second_person(open_event, tracks):
    ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[0])
    newcomer = ParticipantFactory(event=open_event, status=Status.REGISTERED)

    with pytest.raises(ValidationError) as refusal:
        services.update_details(newcomer, {"track": tracks[0]}, {}, language="en")

    assert refusal.value.message_dict == {"track": ["This track is full. Please choose another one."]}
    newcomer.refresh_from_db()
    assert newcomer.track is None


@pytest.mark.django_db(transaction=True)
def test_two_people_choosing_the_last_track_place_at_once_never_overfill_it():
    track = TrackFactory(capacity=1)
    people = ParticipantFactory.create_batch(2, event=track.event, status=Status.REGISTERED)
    start = threading.Barrier(2)
    outcomes = []

    def choose(participant):
        try:
            start.wait()
            services.update_details(participant, {"track": track}, {}, language="en")
            outcomes.append("chosen")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=choose, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["chosen", "refused"]
    assert track.participants.count() == 1


def test_facilitator_sees_only_the_tracks_people_in_a_track_session(open_event, tracks):
    ours = ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[0])
    ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[1])
    track_session = SessionFactory(event=open_event, track=tracks[0])
    plenary = SessionFactory(event=open_event, track=None)

    assert [expected.participant for expected in participants_for_session(track_session)] == [ours]
    assert len(participants_for_session(plenary)) == 2


def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_organiser_moves_people_to_a_track_and_is_warned_when_it_is_over(client, open_event, tracks):
    people = ParticipantFactory.create_batch(2, event=open_event, status=Status.REGISTERED, track=tracks[1])
    url = f"/admin/participants/participant/?event__id__exact={open_event.pk}"

    response = admin_client(client).post(
        url,
        {"action": f"move_to_track_{tracks[0].pk}", "_selected_action": [person.pk for person in people]},
        follow=True,
    )

    page = response.content.decode()
    assert "2 participants moved to “Emergency response”." in page
    assert "“Emergency response” now has 2 participants for 1 places." in page
    assert set(Participant.objects.values_list("track", flat=True)) == {tracks[0].pk}


def test_admin_list_counts_seats_per_track(client, open_event, tracks):
    ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[0])
    ParticipantFactory(event=open_event, status=Status.WAITLISTED, track=tracks[1])
    ParticipantFactory(event=open_event, status=Status.REGISTERED, track=tracks[1])

    page = admin_client(client).get(f"/admin/participants/participant/?event__id__exact={open_event.pk}")

    counts = page.content.decode()
    assert 'Emergency response: <span class="track-count">1 of 1</span>' in counts
    assert 'Humanitarian aid: <span class="track-count">1</span>' in counts


def test_admin_refuses_a_track_of_another_event(client, open_event, tracks):
    participant = ParticipantFactory(event=open_event)
    other_track = TrackFactory(title="Elsewhere")

    form = ParticipantAdminForm(instance=participant)

    assert other_track not in form.fields["track"].queryset
