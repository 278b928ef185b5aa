import threading

import pytest
from django.db import connection

from agenda.tests.factories import EventFactory
from participants import services
from participants.models import ConsentKind, Participant, Status

from .factories import ParticipantFactory


def register_at_once(event, people, email=None):
    """Register each person from its own thread, on its own PostgreSQL connection, all at the same moment.

    With `email`, all of them give that same address.
    """
    start = threading.Barrier(len(people))
    errors = []

    def register(n):
        try:
            start.wait()
            details = {
                "full_name": f"Participant {n}",
                "email": email or f"p{n}@example.org",
                "category": event.categories.first(),
            }
            services.register(event, details, {ConsentKind.DATA_PROCESSING: True}, language="en")
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_seat_never_overfill_the_event():
    event = EventFactory(open_registration=True, capacity=3)
    ParticipantFactory.create_batch(2, event=event, status=Status.REGISTERED)

    register_at_once(event, people=[1, 2])

    assert Participant.objects.filter(event=event, status=Status.REGISTERED).count() == 3
    assert Participant.objects.filter(event=event, status=Status.WAITLISTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_people_racing_fill_the_seats_then_the_waiting_list():
    event = EventFactory(open_registration=True, capacity=5)

    register_at_once(event, people=range(12))

    assert Participant.objects.filter(event=event, status=Status.REGISTERED).count() == 5
    assert Participant.objects.filter(event=event, status=Status.WAITLISTED).count() == 7


@pytest.mark.django_db(transaction=True)
def test_thirty_people_racing_for_the_last_five_seats_get_exactly_five():
    event = EventFactory(open_registration=True, capacity=30)
    ParticipantFactory.create_batch(25, event=event, status=Status.REGISTERED)

    register_at_once(event, people=range(30))

    assert Participant.objects.filter(event=event, status=Status.REGISTERED).count() == 30
    assert Participant.objects.filter(event=event, status=Status.WAITLISTED).count() == 25


@pytest.mark.django_db(transaction=True)
def test_the_same_address_sent_from_ten_forms_at_once_is_one_person():
    event = EventFactory(open_registration=True)

    register_at_once(event, people=range(10), email="aigul@example.org")

    assert Participant.objects.filter(event=event).count() == 1
