"""A person's rights over her data: organisers export everything held about her, and erase it."""

import datetime
import html
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.utils import timezone, translation

from agenda.tests.factories import EventFactory, FacilitatorFactory, UserFactory
from messaging.models import Message, MessageKind
from messaging.services import queue_message
from participants import services, tasks
from participants.models import ConsentKind, Participant, Status, Visibility
from recommendations import outcome
from recommendations import services as recommendation_services
from recommendations.models import Endorsement, FormDraft, OutcomeDocument, Quote, SessionReport
from recommendations.tests.factories import OrganiserFactory, RecommendationFactory, StartedSessionFactory

from .factories import DistrictFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

NAME = "Гульнара Осмонова-Тестова"
PHONE = "+996700123987"
EMAIL = "gulnara.osmonova@example.org"
NEW_EMAIL = "gulnara.new@example.org"  # given on her page, not yet confirmed
QUOTE = "Женщины из приграничных сёл должны сидеть за столом переговоров."
COMMENT = "Согласна, но нужно добавить Лейлек."
NOTE = "Просила не фотографировать её детей."


def personal_data_url(participant):
    return f"/admin/participants/participant/{participant.pk}/personal-data/"


def erase_url(participant):
    return f"/admin/participants/participant/{participant.pk}/erase/"


def page_text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def session():
    return StartedSessionFactory()


@pytest.fixture
def gulnara(session, organiser):
    """A Russian speaker with one record of every kind the application keeps about a person."""
    participant = ParticipantFactory(
        event=session.event,
        full_name=NAME,
        phone=PHONE,
        email=EMAIL,
        preferred_language="ru",
        status=Status.REGISTERED,
        gender="woman",
        age_band="30_44",
        district=DistrictFactory(),
        organisation="Кенеш села Кара-Булак",
        organiser_notes=NOTE,
    )
    services.record_added(participant, how="public registration form")
    services.record_consents(
        participant, {ConsentKind.DATA_PROCESSING: True, ConsentKind.MEDIA: True}, language="ru", earlier={}
    )
    queue_message(participant, MessageKind.CONFIRMATION)
    services.request_address_change(participant, "email", NEW_EMAIL)
    services.check_in(participant, by=organiser)
    quote = recommendation_services.add_quote(session, by=organiser, participant=participant, text=QUOTE, language="ru")
    # A second version of the quote, so that its history holds more than one copy.
    quote.text = QUOTE + " Обязательно."
    quote.save()
    Endorsement.objects.create(
        recommendation=RecommendationFactory(session=session), participant=participant, endorses=True, comment=COMMENT
    )
    FormDraft.objects.create(user=organiser, key=f"report:{session.pk}", data={"key_points": [f"{NAME} говорила о воде."]})
    # A facilitator named her in the key points, then corrected them: both versions are kept.
    recommendation_services.save_report(session, by=organiser, key_points=f"{NAME} рассказала о границе.")
    recommendation_services.save_report(session, by=organiser, key_points=f"Как сказала {NAME}, нужна вода.")
    LogEntry.objects.log_actions(organiser.pk, [participant], CHANGE, single_object=True)
    # The published outcome keeps the key points as they stood, her name in them.
    recommendation_services.publish_final(session.event, by=organiser)
    return Participant.objects.get(pk=participant.pk)


def tables_containing(text):
    """Every table of the database in which some row, read as text, contains this text."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}" AS row WHERE row::text ILIKE %s', [f"%{text}%"])
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def test_the_export_holds_each_kind_of_data_in_her_language(client, organiser, gulnara):
    client.force_login(organiser)

    response = client.get(personal_data_url(gulnara))

    assert response.status_code == 200
    page = page_text(response)
    assert '<html lang="ru">' in page
    for label in ("Полное имя", "Телефон", "Организация", "Заметки организаторов", "Версия текста", "Согласен(на)"):
        assert label in page
    for value in (NAME, PHONE, EMAIL, NEW_EMAIL, NOTE, "Женщина", "Упоминание или цитирование в СМИ", "Присутствовал(а)"):
        assert value in page
    assert "Подтверждение регистрации" in page  # the message sent to her
    assert "Новые адреса для подтверждения" in page  # the address she has not confirmed yet
    assert QUOTE in page
    assert COMMENT in page


def test_the_export_downloads_as_a_file(client, organiser, gulnara):
    client.force_login(organiser)

    response = client.get(personal_data_url(gulnara) + "?format=json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert ["полное имя", NAME] in data["details"]
    cells = [cell for table in data["tables"] for row in table["rows"] for cell in row]
    assert any(QUOTE in cell for cell in cells) and COMMENT in cells


def test_erasing_leaves_no_trace_but_the_counts(client, organiser, gulnara, session):
    neighbour = ParticipantFactory(event=session.event, full_name="Айгуль Соседка", status=Status.ATTENDED)
    old_token = gulnara.access_token
    counts_before = outcome.gather(session.event, "en").participation
    # The search finds her wherever she is, before the erasure.
    assert {
        "participants_participant", "messaging_message", "django_admin_log", "recommendations_formdraft",
        "recommendations_outcomeversion",
    } <= set(tables_containing(NAME))  # fmt: skip
    assert {"recommendations_quote", "recommendations_historicalquote"} <= set(tables_containing(QUOTE))
    client.force_login(organiser)

    confirmation = client.get(erase_url(gulnara))
    assert "Are you sure?" in page_text(confirmation)
    assert Participant.objects.get(pk=gulnara.pk).erased_at is None  # asking changes nothing
    response = client.post(erase_url(gulnara), follow=True)

    assert "Personal data erased: 1." in page_text(response)
    for trace in (NAME, PHONE, EMAIL, NEW_EMAIL, QUOTE, COMMENT, NOTE, old_token):
        assert tables_containing(trace) == [], trace
    assert outcome.gather(session.event, "en").participation == counts_before
    erased = Participant.objects.get(pk=gulnara.pk)
    assert (erased.status, erased.gender, erased.age_band) == (Status.ATTENDED, "woman", "30_44")
    assert SessionReport.objects.get(session=session).key_points == "Как сказала […], нужна вода."
    assert erased.erased_by == organiser and erased.erased_at is not None
    assert erased.endorsements.get().endorses is True
    assert not Quote.history.filter(participant_id=gulnara.pk).exists()
    # Nobody else's data goes with hers.
    assert Participant.objects.get(pk=neighbour.pk).full_name == "Айгуль Соседка"
    assert client.get(f"/ru/p/{old_token}/").status_code == 404


def test_erasing_twice_does_nothing_more(organiser, gulnara):
    services.erase_personal_data(gulnara, by=organiser)
    erased_at = Participant.objects.get(pk=gulnara.pk).erased_at

    second = services.erase_personal_data(gulnara, by=organiser)

    assert second.already_erased and second.removed == {}
    assert Participant.objects.get(pk=gulnara.pk).erased_at == erased_at


def test_erasing_before_the_event_gives_her_seat_to_the_next_person_waiting():
    event = EventFactory(capacity=1)
    seated = ParticipantFactory(event=event, status=Status.REGISTERED)
    waiting = ParticipantFactory(event=event, status=Status.WAITLISTED, registered_at=timezone.now())

    assert services.erasure_plan(seated).cancels_registration
    services.erase_personal_data(seated)

    assert Participant.objects.get(pk=seated.pk).status == Status.CANCELLED
    assert Participant.objects.get(pk=waiting.pk).status == Status.REGISTERED


def test_erased_rows_satisfy_the_contact_constraint_and_stay_counted_only(gulnara):
    services.erase_personal_data(gulnara)

    erased = Participant.objects.get(pk=gulnara.pk)
    assert (erased.full_name, erased.email, erased.phone) == ("", "", "")
    assert erased.visibility == Visibility.COUNTED_ONLY
    with translation.override("en"):
        assert str(erased) == "Erased participant"


def test_organisers_erase_several_people_with_the_list_action(client, organiser):
    people = ParticipantFactory.create_batch(2, status=Status.INVITED)
    client.force_login(organiser)
    selection = {"action": "erase_personal_data", "_selected_action": [person.pk for person in people]}

    confirmation = client.post("/admin/participants/participant/", selection)
    assert "Are you sure?" in page_text(confirmation)
    assert not Participant.objects.filter(erased_at__isnull=False).exists()
    response = client.post("/admin/participants/participant/", {**selection, "post": "yes"}, follow=True)

    assert "Personal data erased: 2." in page_text(response)
    assert Participant.objects.filter(erased_at__isnull=False).count() == 2


def test_retention_erases_people_of_events_long_past_once(settings):
    assert settings.PERSONAL_DATA_RETENTION_DAYS == 730  # the documented default
    now = timezone.now()
    long_ago = EventFactory(starts_at=now - datetime.timedelta(days=740), ends_at=now - datetime.timedelta(days=739))
    recent = EventFactory(starts_at=now - datetime.timedelta(days=100), ends_at=now - datetime.timedelta(days=99))
    forgotten = ParticipantFactory(event=long_ago, status=Status.ATTENDED)
    remembered = ParticipantFactory(event=recent, status=Status.ATTENDED)
    OutcomeDocument.objects.create(event=long_ago, language="ru", format="pdf")

    assert tasks.erase_after_retention() == 1
    assert tasks.erase_after_retention() == 0

    assert Participant.objects.get(pk=forgotten.pk).erased_at is not None
    assert Participant.objects.get(pk=forgotten.pk).status == Status.ATTENDED
    assert Participant.objects.get(pk=remembered.pk).full_name == remembered.full_name


@pytest.mark.parametrize(
    "user_factory",
    [
        pytest.param(FacilitatorFactory, id="facilitator"),
        pytest.param(lambda: UserFactory(is_staff=True), id="staff without a role"),
    ],
)
def test_only_organisers_export_or_erase(client, gulnara, user_factory):
    client.force_login(user_factory())

    assert client.get(personal_data_url(gulnara)).status_code in (302, 403)
    assert client.post(erase_url(gulnara)).status_code in (302, 403)

    assert Participant.objects.get(pk=gulnara.pk).erased_at is None
    assert Message.objects.filter(participant=gulnara).exists()


def test_every_record_about_a_person_is_handled_by_the_erasure():
    """A new model that points at a participant holds data about her: erase_personal_data must decide its fate."""
    handled = {
        "participants.StatusChange",
        "participants.RetiredCheckinCode",
        "participants.AddressChange",
        "evaluations.Respondent",
        "participants.Consent",
        "messaging.Message",
        "recommendations.Quote",
        "recommendations.Endorsement",
    }

    assert {relation.related_model._meta.label for relation in Participant._meta.related_objects} == handled


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_organiser_exports_then_erases_a_person_in_the_admin(live_server, browser, tmp_path):
    OrganiserFactory(username="organiser")
    person = ParticipantFactory(full_name=NAME, phone=PHONE, email=EMAIL, preferred_language="ru")
    services.record_consents(person, {ConsentKind.DATA_PROCESSING: True}, language="ru", earlier={})
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    desk.goto(f"{live_server.url}/admin/login/")
    desk.locator("#id_username").fill("organiser")
    desk.locator("#id_password").fill("a-long-test-password")
    desk.locator("input[type=submit]").click()

    desk.goto(f"{live_server.url}/admin/participants/participant/{person.pk}/change/")
    desk.get_by_role("link", name="Export personal data").click()
    desk.get_by_text("Обработка моих персональных данных").wait_for()  # her consent, in Russian
    assert desk.locator("html").get_attribute("lang") == "ru"
    desk.screenshot(path="/tmp/rights-export.png", full_page=True)

    desk.go_back()
    desk.get_by_role("link", name="Erase personal data").click()
    desk.get_by_text("Are you sure?").wait_for()
    desk.screenshot(path="/tmp/rights-erase-confirm.png", full_page=True)
    desk.get_by_role("button", name="Yes, erase").click()
    desk.get_by_text("Personal data erased: 1.").wait_for()
    desk.context.close()

    assert tables_containing(NAME) == [] and tables_containing(PHONE) == []


def test_an_erased_row_shows_only_what_is_kept_and_cannot_be_edited(client, organiser, gulnara):
    services.erase_personal_data(gulnara, by=organiser)
    client.force_login(organiser)

    page = client.get(f"/admin/participants/participant/{gulnara.pk}/change/")

    assert page.status_code == 200
    text = page_text(page)
    assert "Erased participant" in text and "Personal data erased at" in text
    assert 'name="full_name"' not in text
    assert "Erase personal data" not in text
    assert client.post(f"/admin/participants/participant/{gulnara.pk}/change/", {"full_name": NAME}).status_code == 403


def test_a_long_backlog_is_erased_over_several_runs(monkeypatch):
    monkeypatch.setattr(services, "ERASURES_PER_RUN", 2)
    now = timezone.now()
    long_ago = EventFactory(starts_at=now - datetime.timedelta(days=900), ends_at=now - datetime.timedelta(days=899))
    ParticipantFactory.create_batch(3, event=long_ago)

    assert [tasks.erase_after_retention() for _run in range(3)] == [2, 1, 0]
    assert not Participant.objects.filter(erased_at__isnull=True).exists()
