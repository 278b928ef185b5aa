import datetime
import re
import uuid
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from agenda.models import Event, Track
from dialogue_event.roles import DOOR_STAFF, FACILITATORS, ORGANISERS
from participants import report
from participants.models import District, Participant, Source, Status

pytestmark = pytest.mark.django_db


def run_load_demo(*args):
    output = StringIO()
    call_command("load_demo", *args, stdout=output)
    return output.getvalue()


def printed_password(output, username):
    match = re.search(rf"^\s+{username} / (\S+)$", output, re.MULTILINE)
    return match.group(1) if match else None


def snapshot():
    return {
        "events": [model_to_dict(event) for event in Event.objects.order_by("pk")],
        "tracks": [model_to_dict(track) for track in Track.objects.order_by("pk")],
        "users": list(get_user_model().objects.order_by("pk").values("username", "password", "is_staff")),
        "participants": list(Participant.objects.order_by("pk").values()),
    }


def test_load_demo_creates_the_osh_dialogue_with_three_tracks_in_three_languages():
    run_load_demo()

    event = Event.objects.get(slug="osh-dialogue-2021")
    assert event.is_published
    assert event.starts_at.isoformat() == "2021-06-03T03:00:00+00:00"  # 9:00 in Bishkek
    assert event.city_ru == "Ош"
    assert event.tracks.count() == 3
    for track in event.tracks.all():
        assert track.title_en and track.title_ru and track.title_ky


def test_load_demo_run_twice_changes_nothing():
    first_output = run_load_demo()
    after_first = snapshot()

    second_output = run_load_demo()

    assert snapshot() == after_first
    assert "nothing was changed" in second_output
    assert printed_password(first_output, "organiser")
    assert printed_password(second_output, "organiser") is None


def test_load_demo_keeps_what_an_organiser_edited():
    run_load_demo()
    Event.objects.filter(slug="osh-dialogue-2021").update(venue_en="Hotel Osh Nuru")

    run_load_demo()

    assert Event.objects.get(slug="osh-dialogue-2021").venue_en == "Hotel Osh Nuru"


def test_printed_organiser_login_opens_the_admin(client):
    output = run_load_demo()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "organiser", "password": printed_password(output, "organiser")},
        follow=True,
    )

    assert response.status_code == 200
    assert response.context["user"].username == "organiser"
    assert b"Events" in client.get("/admin/").content
    assert client.get("/admin/agenda/event/").status_code == 200


def test_admin_login_locks_after_repeated_wrong_passwords(client):
    output = run_load_demo()

    for _attempt in range(5):
        client.post("/admin/login/", {"username": "organiser", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "organiser", "password": printed_password(output, "organiser")})

    assert response.status_code == 429
    assert b"Too many failed login attempts" in response.content
    assert client.get("/admin/").status_code == 302


def test_printed_facilitator_login_does_not_open_the_admin(client):
    output = run_load_demo()

    client.post("/admin/login/", {"username": "facilitator", "password": printed_password(output, "facilitator")})

    assert client.get("/admin/").status_code == 302


def test_demo_accounts_belong_to_their_groups():
    run_load_demo()

    User = get_user_model()
    assert list(User.objects.get(username="organiser").groups.values_list("name", flat=True)) == [ORGANISERS]
    assert list(User.objects.get(username="facilitator").groups.values_list("name", flat=True)) == [FACILITATORS]
    assert list(User.objects.get(username="door").groups.values_list("name", flat=True)) == [DOOR_STAFF]
    assert Group.objects.get(name=ORGANISERS).permissions.filter(codename="change_event").exists()
    assert not Group.objects.get(name=FACILITATORS).permissions.exists()


def test_reset_passwords_prints_new_working_passwords(client):
    run_load_demo()

    output = run_load_demo("--reset-passwords")

    password = printed_password(output, "organiser")
    client.post("/admin/login/", {"username": "organiser", "password": password})
    assert client.get("/admin/").status_code == 200


def test_load_demo_invites_about_thirty_fictional_people_of_every_category():
    run_load_demo()

    event = Event.objects.get(slug="osh-dialogue-2021")
    participants = event.participants.all()
    assert 28 <= participants.count() <= 35
    assert set(participants.values_list("category__name_en", flat=True)) == set(
        event.categories.filter(open_to_public=True).values_list("name_en", flat=True)
    )
    assert {"Batken district", "Leilek district"} <= set(participants.values_list("district__name_en", flat=True))
    counts = participants.count_by_status()
    assert counts[Status.REGISTERED] + counts[Status.ATTENDED] - 2 == event.capacity  # and two walk-ins
    assert counts[Status.WAITLISTED] and counts[Status.DECLINED] and counts[Status.INVITED]
    assert participants.filter(email="").exists()


def test_the_demo_report_counts_the_people_checked_in_on_the_morning():
    run_load_demo()

    event = Event.objects.get(slug="osh-dialogue-2021")
    figures = report.gather(event, "en")

    checked_in = event.participants.filter(status=Status.ATTENDED)
    assert figures.funnel.attended == checked_in.count() == event.capacity - 4 + 2
    assert figures.funnel.walk_ins == checked_in.filter(source=Source.WALK_IN).count() == 2
    by_sex = {row.label: row.attended for row in figures.breakdowns[0].rows}
    assert by_sex == {"Woman": checked_in.filter(gender="woman").count(), "Man": checked_in.filter(gender="man").count()}
    by_district = {row.label: row.attended for row in next(b for b in figures.breakdowns if b.key == "district").rows}
    assert sum(by_district.values()) == checked_in.count()
    assert by_district["Batken district (Batken region)"] == checked_in.filter(district__name_en="Batken district").count()


def printed_path(output, label):
    return re.search(rf"^{re.escape(label)}.*: (/\S+)$", output, re.MULTILINE).group(1)


def test_a_newcomer_registers_for_the_demos_next_dialogue(client):
    output = run_load_demo()
    register = printed_path(output, "Next dialogue, open for registration")
    event = Event.objects.get(slug="batken-dialogue-next")

    response = client.post(
        register,
        {
            "full_name": "Айпери Сатыбалдиева",
            "gender": "woman",
            "age_band": "30_44",
            "category": event.categories.get(name_en="Women activist").pk,
            "district": District.objects.get(name_en="Batken district").pk,
            "track": event.tracks.get(order=2).pk,
            "phone": "0555 909 101",
            "preferred_channel": "whatsapp",
            "preferred_language": "ky",
            "accommodation_nights": "0",
            "visibility": "organisers_only",
            "consent_data_processing": "on",
            "submission_key": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/en/events/{event.slug}/registered/"
    assert event.participants.get(full_name="Айпери Сатыбалдиева").status == Status.REGISTERED
    starts = timezone.localtime(event.starts_at)
    assert starts.date() - timezone.localdate() == datetime.timedelta(weeks=6)
    assert (starts.hour, event.tracks.count(), event.sessions.count()) == (9, 3, 6)
    assert all(track.title_ky and track.title_ru for track in event.tracks.all())


def test_an_invitees_printed_personal_link_opens_her_page(client):
    link = printed_path(run_load_demo(), "An invitee's personal link")

    response = client.get(link, follow=True)

    assert response.status_code == 200
    assert "Бермет Асанова" in response.content.decode()


def test_the_next_dialogue_is_made_once_and_the_osh_day_is_unchanged():
    run_load_demo()
    osh = model_to_dict(Event.objects.get(slug="osh-dialogue-2021"))

    output = run_load_demo()

    assert "nothing was changed" in output
    assert Event.objects.filter(slug="batken-dialogue-next").count() == 1
    assert Event.objects.get(slug="batken-dialogue-next").participants.count() == 3
    assert model_to_dict(Event.objects.get(slug="osh-dialogue-2021")) == osh
