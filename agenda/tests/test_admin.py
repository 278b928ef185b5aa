import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from agenda.models import Session
from messaging.models import Message, MessageKind
from participants.models import Participant, Status
from participants.tests.factories import ParticipantFactory

from .factories import EventFactory, FacilitatorFactory, SessionFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


class _FormFields(HTMLParser):
    """What a browser would submit from a page's forms, as a dict of lists."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if checkable else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.removeprefix("\n") if not self.data[self._textarea][0] else data


def page_form(response):
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.data


def local_date_and_time(moment):
    moment = timezone.localtime(moment)
    return [moment.strftime("%Y-%m-%d")], [moment.strftime("%H:%M:%S")]


def change_url(event):
    return f"/admin/agenda/event/{event.pk}/change/"


def session_formset(response):
    return next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.model is Session
    )


def add_session(data, event, index, **fields):
    """Fill the next blank session form of the admin page."""
    prefix = f"sessions-{index}-"
    data["sessions-TOTAL_FORMS"] = [str(index + 1)]
    data[prefix + "event"] = [str(event.pk)]
    data[prefix + "id"] = [""]
    for name, value in fields.items():
        if name in ("starts_at", "ends_at"):
            data[prefix + name + "_0"], data[prefix + name + "_1"] = local_date_and_time(value)
        else:
            data[prefix + name] = value if isinstance(value, list) else [value]
    return data


def test_sessions_are_edited_on_the_event_in_time_order(organiser_client):
    event = EventFactory()
    SessionFactory(event=event, title="Closing", starts_at=event.starts_at + 3 * HOUR)
    SessionFactory(event=event, title="Opening", starts_at=event.starts_at)

    response = organiser_client.get(change_url(event))

    assert response.status_code == 200
    formset = session_formset(response)
    assert [form.instance.title for form in formset.forms] == ["Opening", "Closing"]


def test_event_page_names_each_date_and_time_box_for_screen_readers(organiser_client):
    event = EventFactory()
    SessionFactory(event=event)

    page = organiser_client.get(change_url(event)).content.decode()

    def name_of(box_id):
        return re.search(rf'<input [^>]*id="{box_id}"[^>]*>', page).group(0).partition('aria-label="')[2].partition('"')[0]

    # One <label> cannot name both boxes of a date and time (axe-core: unlabelled fields, critical).
    assert name_of("id_starts_at_0") == "Starts at, date"
    assert name_of("id_registration_closes_at_1") == "Registration closes at, time"
    assert name_of("id_sessions-0-ends_at_0") == "Ends at, date"


def test_event_page_names_each_reminder_box_for_screen_readers(organiser_client):
    event = EventFactory()  # with its reminders of a week and a day before

    page = organiser_client.get(change_url(event)).content.decode()

    # The reminders' table heads its columns but labels no box (axe-core: unlabelled fields, critical).
    for box in ("reminders-0-days_before", "reminders-0-DELETE", "reminders-1-days_before", "reminders-1-DELETE"):
        assert re.search(rf'<input [^>]*name="{box}"[^>]*aria-label="[^"]+"', page), f"{box} has no name"


def test_saved_event_folds_what_is_written_once_and_each_saved_session(organiser_client):
    event = EventFactory()
    SessionFactory(event=event, title="Opening")

    saved = organiser_client.get(change_url(event)).content.decode()
    new = organiser_client.get("/admin/agenda/event/add/").content.decode()

    folded = re.findall(r"<details><summary>\s*<h2[^>]*>([^<]+)</h2>", saved)
    assert folded == ["About the dialogue", "Organisers and funding"]
    summaries = re.findall(r'<details class="inline-fold">\s*<summary><h3>(.*?)</h3></summary>', saved)
    assert len(summaries) == 1 and "Session:" in summaries[0] and "Opening" in summaries[0]
    # A new event's fields are all in view: nothing is written yet.
    assert "<details" not in new
    # The page's parts listed at its top, each a link to its heading.
    for target in ("fieldset-0-1-heading", "tracks-heading", "sessions-heading", "reminders-heading"):
        assert f'href="#{target}"' in saved and f'id="{target}"' in saved


def test_admin_offers_only_facilitators_and_this_events_tracks(organiser_client):
    event = EventFactory()
    track = TrackFactory(event=event, title="Humanitarian aid")
    TrackFactory(title="Another event's track")
    FacilitatorFactory(first_name="Gulnara", last_name="Esenbaeva")
    UserFactory(first_name="Somebody", last_name="Else")
    SessionFactory(event=event)

    formset = session_formset(organiser_client.get(change_url(event)))
    form = formset.forms[0]

    assert [label for _value, label in form.fields["facilitators"].choices] == ["Gulnara Esenbaeva"]
    assert list(form.fields["track"].queryset) == [track]


def test_admin_warns_of_a_facilitator_clash_and_saves_once_a_co_facilitator_covers(organiser_client):
    event = EventFactory()
    facilitator = FacilitatorFactory(first_name="Aigul", last_name="Toktosunova")
    SessionFactory(event=event, title="Opening", room="Main hall", facilitators=[facilitator])
    data = page_form(organiser_client.get(change_url(event)))
    add_session(
        data, event, 1,
        title_en="Stories from the evacuation", starts_at=event.starts_at, ends_at=event.starts_at + HOUR,
        room_en="Room A", facilitators=[str(facilitator.pk)],
    )  # fmt: skip

    warned = organiser_client.post(change_url(event), data)

    assert warned.status_code == 200
    assert "Aigul Toktosunova also facilitates “Opening”" in warned.content.decode()
    assert event.sessions.count() == 1

    data["sessions-1-co_facilitator_covers"] = ["on"]
    saved = organiser_client.post(change_url(event), data, follow=True)

    assert saved.redirect_chain
    assert list(event.sessions.values_list("title", flat=True)) == ["Opening", "Stories from the evacuation"]


def test_admin_refuses_a_room_clash_with_a_message(organiser_client):
    event = EventFactory()
    SessionFactory(event=event, title="Opening", room="Main hall")
    data = page_form(organiser_client.get(change_url(event)))
    add_session(
        data, event, 1,
        title_en="Press briefing", starts_at=event.starts_at, ends_at=event.starts_at + HOUR, room_en="Main hall",
    )  # fmt: skip

    response = organiser_client.post(change_url(event), data)

    assert response.status_code == 200
    assert "Main hall is already taken at this time by “Opening”" in response.content.decode()
    assert event.sessions.count() == 1


def test_admin_refuses_a_session_outside_the_event(organiser_client):
    event = EventFactory()
    data = page_form(organiser_client.get(change_url(event)))
    add_session(
        data, event, 0,
        title_en="Evening reception", starts_at=event.ends_at, ends_at=event.ends_at + HOUR, room_en="Terrace",
    )  # fmt: skip

    response = organiser_client.post(change_url(event), data)

    assert response.status_code == 200
    assert "The session must take place during the event" in response.content.decode()
    assert not event.sessions.exists()


def test_new_event_page_offers_sessions_without_tracks_yet(organiser_client):
    TrackFactory(title="Another event's track")

    response = organiser_client.get("/admin/agenda/event/add/")

    assert response.status_code == 200
    formset = session_formset(response)
    assert not formset.empty_form.fields["track"].queryset.exists()


def test_raising_the_places_gives_them_at_once_to_the_people_waiting_longest_each_told_once(organiser_client):
    event = EventFactory(capacity=1)
    ParticipantFactory(event=event, status=Status.REGISTERED)
    waiting = [
        ParticipantFactory(event=event, status=Status.WAITLISTED, full_name=name, registered_at=event.starts_at - days)
        for name, days in (("Later Person", HOUR), ("First Waiting", 48 * HOUR), ("Second Waiting", 24 * HOUR))
    ]
    data = page_form(organiser_client.get(change_url(event)))
    data["capacity"] = ["3"]

    saved = organiser_client.post(change_url(event), data, follow=True)

    page = saved.content.decode()
    assert "2 people on the waiting list now hold a seat and are being told: First Waiting, Second Waiting." in page
    assert [p.status for p in Participant.objects.filter(pk__in=[w.pk for w in waiting]).order_by("full_name")] == [
        Status.REGISTERED, Status.WAITLISTED, Status.REGISTERED,
    ]  # fmt: skip
    organiser_client.post(change_url(event), page_form(organiser_client.get(change_url(event))), follow=True)
    assert Message.objects.filter(kind=MessageKind.PROMOTED).count() == 2
