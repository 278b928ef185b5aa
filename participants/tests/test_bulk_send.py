"""Sending to more people than one request may take: the request answers at once, a task sends, the admin shows how far."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agenda.tests.factories import EventFactory, UserFactory
from messaging.models import Message, MessageKind
from participants import services
from participants.models import BulkSend, BulkSendKind, Participant, Status
from participants.tasks import continue_bulk_send

from .factories import ParticipantFactory
from .test_admin import page_text, run_action, shown_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts_of_three(monkeypatch):
    # Eight people are then three parts, as ten thousand are fifty.
    monkeypatch.setattr(services, "PEOPLE_PER_TRANSACTION", 3)


@pytest.fixture
def eight_selected():
    """Six invitees with an email address, one without, and one who registered already."""
    event = EventFactory()
    return [
        *ParticipantFactory.create_batch(6, event=event),
        ParticipantFactory(event=event, email=""),
        ParticipantFactory(event=event, status=Status.REGISTERED),
    ]


def progress_page(client, bulk_send):
    return client.get(f"/admin/participants/bulksend/{bulk_send.pk}/change/")


def test_the_organiser_is_answered_at_once_and_the_request_sends_nothing_itself(
    organiser_client, parts_of_three, eight_selected, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = run_action(organiser_client, "send_invitations", eight_selected)

    bulk_send = BulkSend.objects.get()
    [shown] = shown_messages(response)
    assert shown.startswith("8 people selected: the sending goes on in the background.")
    assert f'href="/admin/participants/bulksend/{bulk_send.pk}/change/">Follow its progress</a>' in shown
    assert len(callbacks) == 1  # the task, and no message
    assert not Message.objects.exists()
    assert not any(p.invitation_sent_at for p in participants(eight_selected))
    assert (bulk_send.what, bulk_send.done, bulk_send.finished_at) == (BulkSendKind.INVITATIONS, 0, None)
    assert bulk_send.event == eight_selected[0].event and bulk_send.asked_by.username == "organiser"


def participants(selected):
    for participant in selected:
        participant.refresh_from_db()
    return selected


def test_the_task_run_twice_writes_each_invitation_once_and_counts_once(
    organiser_client, parts_of_three, eight_selected
):
    run_action(organiser_client, "send_invitations", eight_selected)
    bulk_send = BulkSend.objects.get()

    assert continue_bulk_send(bulk_send.pk) is True
    assert continue_bulk_send(bulk_send.pk) is True

    invitations = Message.objects.filter(kind=MessageKind.INVITATION)
    assert sorted(invitations.values_list("participant", flat=True)) == [p.pk for p in eight_selected[:7]]
    bulk_send.refresh_from_db()
    assert bulk_send.done == 8 and bulk_send.finished_at is not None
    counts = (bulk_send.emailed, bulk_send.by_hand, bulk_send.already_invited, bulk_send.answered)
    assert counts == (6, 1, 0, 1)
    page = page_text(progress_page(organiser_client, bulk_send))
    assert "8 of 8" in page and '<progress max="8" value="8">' in page
    assert "admin-follow-progress.js" not in page
    assert "Left out: no longer at the “Invited” stage" in page and "New link not sent" not in page


def test_a_send_half_done_goes_on_after_the_people_already_gone_through(
    organiser_client, parts_of_three, eight_selected
):
    run_action(organiser_client, "send_invitations", eight_selected)
    bulk_send = BulkSend.objects.get()
    # The first part's transaction committed, then the worker died.
    BulkSend.objects.filter(pk=bulk_send.pk).update(done=3)

    page = page_text(progress_page(organiser_client, bulk_send))
    # The page follows the send (the browser test of the admin's accessibility watches it do so).
    assert "3 of 8" in page and "admin-follow-progress.js" in page

    continue_bulk_send(bulk_send.pk)

    invited = {p.pk for p in participants(eight_selected) if p.invitation_sent_at}
    assert invited == {p.pk for p in eight_selected[3:7]}
    assert "8 of 8" in page_text(progress_page(organiser_client, bulk_send))


def test_new_personal_links_for_many_people_are_sent_in_the_background(
    organiser_client, parts_of_three, eight_selected
):
    old_links = {p.pk: p.access_token for p in eight_selected}
    response = run_action(organiser_client, "replace_personal_links", eight_selected)
    assert shown_messages(response)[0].startswith("8 people selected: the sending goes on in the background.")
    bulk_send = BulkSend.objects.get()

    continue_bulk_send(bulk_send.pk)

    assert all(p.access_token != old_links[p.pk] for p in participants(eight_selected))
    bulk_send.refresh_from_db()
    # The registered person is sent her new link; the invitees, never invited, wait for their invitations.
    assert (bulk_send.what, bulk_send.emailed, bulk_send.not_invited_yet) == (BulkSendKind.NEW_LINKS, 1, 7)
    assert list(Message.objects.values_list("kind", flat=True)) == [MessageKind.NEW_LINK]


def test_one_part_or_less_is_still_sent_within_the_request(organiser_client, parts_of_three, eight_selected):
    response = run_action(organiser_client, "send_invitations", eight_selected[:3])

    assert "3 invitations are on their way by email." in shown_messages(response)
    assert not BulkSend.objects.exists()


def test_a_send_that_stopped_moving_is_enqueued_again(
    organiser_client, parts_of_three, eight_selected, django_capture_on_commit_callbacks
):
    run_action(organiser_client, "send_invitations", eight_selected)
    later = timezone.now() + services.BULK_SEND_STALLED_AFTER + datetime.timedelta(seconds=1)

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.resume_stalled_bulk_sends(now=timezone.now()) == 0
        assert services.resume_stalled_bulk_sends(now=later) == 1
    assert len(callbacks) == 1

    continue_bulk_send(BulkSend.objects.get().pk)
    assert services.resume_stalled_bulk_sends(now=later) == 0


def test_a_task_out_of_time_hands_the_rest_to_a_new_one(
    organiser_client, parts_of_three, eight_selected, django_capture_on_commit_callbacks
):
    run_action(organiser_client, "send_invitations", eight_selected)
    bulk_send = BulkSend.objects.get()

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.continue_bulk_send(bulk_send.pk, for_at_most=0) is False

    assert len(callbacks) == 1
    bulk_send.refresh_from_db()
    assert (bulk_send.done, bulk_send.finished_at) == (0, None)


def test_nobody_adds_changes_or_deletes_a_send_by_hand(organiser_client, parts_of_three, eight_selected):
    run_action(organiser_client, "send_invitations", eight_selected)
    bulk_send = BulkSend.objects.get()

    assert organiser_client.get("/admin/participants/bulksend/add/").status_code == 403
    assert organiser_client.get(f"/admin/participants/bulksend/{bulk_send.pk}/delete/").status_code == 403
    page = page_text(progress_page(organiser_client, bulk_send))
    assert 'name="_save"' not in page
    listing = page_text(organiser_client.get("/admin/participants/bulksend/"))
    assert "0 of 8" in listing and "Invitations" in listing


def test_staff_without_a_role_do_not_see_the_sends(client, organiser_client, parts_of_three, eight_selected):
    run_action(organiser_client, "send_invitations", eight_selected)
    client.force_login(UserFactory(is_staff=True))

    assert progress_page(client, BulkSend.objects.get()).status_code == 403


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_each_invitation_of_a_background_send_once(
    organiser_client, parts_of_three, smtp_inbox, celery_worker_process, wait_for
):
    # The worker's own parts are of its own size: here, the request's threshold is what matters.
    event = EventFactory()
    invitees = ParticipantFactory.create_batch(8, event=event)

    response = run_action(organiser_client, "send_invitations", invitees)

    assert shown_messages(response)[0].startswith("8 people selected")
    assert wait_for(lambda: len(smtp_inbox.messages) >= 8)
    time.sleep(1)
    assert sorted(message["To"] for message in smtp_inbox.messages) == sorted(p.email for p in invitees)
    assert wait_for(lambda: BulkSend.objects.get().finished_at is not None)
    assert BulkSend.objects.get().emailed == 8


def test_for_a_long_selection_the_request_only_reads_the_ids_and_writes_the_record(parts_of_three, eight_selected):
    selected = Participant.objects.filter(pk__in=[p.pk for p in eight_selected])

    with CaptureQueriesContext(connection) as queries:
        services.send_invitations(selected)

    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE")] == ["SELECT", "INSERT"]
    columns = queries.captured_queries[0]["sql"].split(" FROM ")[0]
    assert columns.count(",") == 1 and '"id"' in columns and '"event_id"' in columns  # nobody's details
