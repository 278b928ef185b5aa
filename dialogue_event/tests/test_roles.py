"""Every address of the site, opened by each kind of user, answers as the roles say.

Each URL pattern is filled with real ids of objects that belong to somebody
else (facilitator B's session, another participant, a message to her), then
opened with GET by each role. What each role must get is read from one table,
ROLE_TABLE: the first row whose pattern matches the URL's name. No answer may
be a server error.
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from agenda.models import Event
from agenda.tests.factories import (
    DoorStaffFactory,
    EventFactory,
    EventLogoFactory,
    FacilitatorFactory,
    SessionFactory,
    UserFactory,
)
from dialogue_event.roles import ORGANISERS, ensure_role_groups
from evaluations.services import add_evaluation_form
from messaging.models import Announcement, MessageKind
from messaging.services import queue_message
from participants.models import BulkSend, BulkSendKind, Status
from participants.services import checkin_code
from participants.tests.factories import ParticipantFactory
from recommendations.models import (
    Endorsement,
    EventFramework,
    Framework,
    OutcomeDocument,
    OutcomePublication,
    Quote,
    RecommendationStatus,
)
from recommendations.tests.factories import (
    OrganiserFactory,
    RecommendationFactory,
    SessionReportFactory,
    participant_who_may_be_quoted,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "participant", "facilitator A", "facilitator B", "door staff", "staff", "organiser", "superuser")

# Answers: 200 page, 302 redirect (to a login, or onwards), 401 log in (to a script), 403 refused, 404 not found,
# 405 GET not allowed.
OK, REDIRECT, LOG_IN, REFUSED, NOT_FOUND, POST_ONLY = 200, 302, 401, 403, 404, 405
#                          anonymous participant facil. A  facil. B  door      staff     organiser superuser
EVERYBODY = (OK,) * 8
LOGIN_ADMIN = (REDIRECT,) * 5 + (OK, OK, OK)
ORGANISERS_ONLY = (REDIRECT,) * 5 + (REFUSED, OK, OK)
SUPERUSER_ONLY = (REDIRECT,) * 5 + (REFUSED, REFUSED, OK)
FACILITATOR_PAGE = (REDIRECT, REDIRECT, OK, OK, REFUSED, REFUSED, OK, OK)
# Facilitator B's session: A does not find it.
B_SESSION = (REDIRECT, REDIRECT, NOT_FOUND, OK, REFUSED, REFUSED, OK, OK)
B_SESSION_POST = (REDIRECT, REDIRECT, NOT_FOUND, POST_ONLY, REFUSED, REFUSED, POST_ONLY, POST_ONLY)
# The participant's own pages, reached through her personal link in this browser.
OWN_PAGE = (REFUSED, OK, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)
OWN_PAGE_POST = (POST_ONLY,) * 8

ADMIN_ONLY_SERVICES_WRITE = (REDIRECT,) * 5 + (REFUSED,) * 3

ROLE_TABLE = [
    # (pattern on the URL's name, answer per role)
    (r"healthz", EVERYBODY),
    (r"set_language", (REDIRECT,) * 8),
    (r"admin:(index|password_change|password_change_done|jsi18n)", LOGIN_ADMIN),
    (r"admin:login", (OK,) * 5 + (REDIRECT,) * 3),
    (r"admin:logout", (REDIRECT,) * 5 + (POST_ONLY,) * 3),
    (r"admin:autocomplete", (REDIRECT,) * 5 + (REFUSED,) * 3),
    (r"admin:view_on_site", (REDIRECT,) * 8),
    (r"admin:app_list", (REDIRECT,) * 5 + (NOT_FOUND, OK, OK)),
    # Written only by the application (logins, the outbox, facilitators' pages, participants' answers).
    (r"admin:(axes_.*|messaging_message|recommendations_(sessionreport|recommendation|endorsement))_add",
     ADMIN_ONLY_SERVICES_WRITE),
    (r"admin:messaging_message_delete", ADMIN_ONLY_SERVICES_WRITE),
    # A send to many people: organisers follow its progress; only the services write it.
    (r"admin:participants_bulksend_(add|delete)", ADMIN_ONLY_SERVICES_WRITE),
    (r"admin:participants_bulksend_(changelist|change|history)", ORGANISERS_ONLY),
    (r"admin:(auth|axes)_", SUPERUSER_ONLY),
    (r"admin:participants_participant_process_import", (REDIRECT,) * 5 + (POST_ONLY,) * 3),
    (r"admin:recommendations_outcomedocument_download", (REDIRECT,) * 2 + (REFUSED,) * 4 + (REDIRECT,) * 2),
    # Follow-up: every followed recommendation is listed already, and none is deleted; the world's accepted
    # recommendation is not followed (its outcome is not published), so its pages redirect as "not found".
    (r"admin:recommendations_recommendationfollowup_(add|delete)", ADMIN_ONLY_SERVICES_WRITE),
    (r"admin:recommendations_recommendationfollowup_change$", (REDIRECT,) * 5 + (REFUSED, REDIRECT, REDIRECT)),
    (r"admin:recommendations_recommendationfollowup_history", (REDIRECT,) * 8),
    (r"admin:", ORGANISERS_ONLY),
    (r"agenda:facilitator_sessions", FACILITATOR_PAGE),
    (r"agenda:facilitator_login", (OK,) * 2 + (REDIRECT,) * 6),
    (r"agenda:facilitator_logout", (POST_ONLY,) * 8),
    (r"agenda:", EVERYBODY),
    (r"participants:personal_link", (REDIRECT,) * 8),
    (r"participants:registered", (REDIRECT,) * 8),
    # The image of a check-in code: it shows only the code, whoever holds it.
    (r"participants:checkin_code_image", EVERYBODY),
    (r"participants:register", EVERYBODY),
    # Cancelling asks first, on a page of its own.
    (r"participants:(my_registration|cancel)", OWN_PAGE),
    (r"participants:(decline|sign_out)", OWN_PAGE_POST),
    (r"participants:confirm_address", (NOT_FOUND,) * 8),
    (r"participants:report", ORGANISERS_ONLY),
    # Her certificate, through her personal link, once she attended (this participant is only registered).
    (r"participants:certificate", (REFUSED, NOT_FOUND) + (REFUSED,) * 6),
    # The door: organisers and door staff.
    (r"participants:door$", (REDIRECT, REDIRECT, REFUSED, REFUSED, OK, REFUSED, OK, OK)),
    (r"participants:door_(people|search)", (LOG_IN, LOG_IN, REFUSED, REFUSED, OK, REFUSED, OK, OK)),
    (r"participants:door_(check_in|undo|walk_in)",
     (REDIRECT, REDIRECT, REFUSED, REFUSED, POST_ONLY, REFUSED, POST_ONLY, POST_ONLY)),
    (r"participants:door_service_worker", EVERYBODY),
    (r"participants:door_login", (OK,) * 2 + (REDIRECT,) * 6),
    (r"participants:door_logout", (POST_ONLY,) * 8),
    (r"recommendations:(session_report|add_recommendation|edit_recommendation)", B_SESSION),
    (r"recommendations:(report_draft|add_quote|delete_quote|.*_draft|delete_recommendation|submit_recommendation)",
     B_SESSION_POST),
    (r"recommendations:participant_outcome", OWN_PAGE),
    # Only for people who came: the world's participant is registered, so she is refused too.
    (r"evaluations:participant_evaluation", (REFUSED,) * 8),
    (r"recommendations:public_outcome", (NOT_FOUND,) * 8),
    # The follow-up tracker shows only a published outcome's recommendations: the world's event has none.
    (r"recommendations:(event_follow_up|follow_up_evidence)", (NOT_FOUND,) * 8),
    (r"recommendations:follow_up$", EVERYBODY),
    # A published event's logo: the one upload anybody may see (agenda/tests/test_identity.py).
    (r"media$", EVERYBODY),
    # The SMS gateway's reports: whoever signs them with its key, not a role (messaging/tests/test_sms_reports.py).
    (r"messaging:sms_report", (POST_ONLY,) * 8),
]


def expected_answers(name):
    for pattern, answers in ROLE_TABLE:
        if re.match(pattern, name):
            return dict(zip(ROLES, answers))
    raise AssertionError(f"No row of ROLE_TABLE says who may open {name}")


def url_patterns(patterns=None, namespace=""):
    """(name, pattern) for every URL of the site; an unnamed admin pattern is named after the view it redirects to."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else None, pattern


@pytest.fixture
def world(client, media_root):
    """An event with facilitator A's and facilitator B's sessions, a participant, and somebody else's data everywhere."""
    ensure_role_groups()
    now = timezone.now()
    event = EventFactory(
        slug="osh", open_registration=True, registration_opens_at=now - datetime.timedelta(days=1),
        starts_at=now + datetime.timedelta(days=1), ends_at=now + datetime.timedelta(days=1, hours=8),
    )  # fmt: skip
    facilitator_a, facilitator_b = FacilitatorFactory(), FacilitatorFactory()
    # Sessions that have started, so that their reports are open.
    started = now - datetime.timedelta(hours=1)
    SessionFactory(event=event, facilitators=[facilitator_a], starts_at=started)
    session_b = SessionFactory(event=event, facilitators=[facilitator_b], starts_at=started)
    participant = ParticipantFactory(event=event, status=Status.REGISTERED)
    other = participant_who_may_be_quoted(event, status=Status.REGISTERED, at_risk=True, full_name="Other Person")
    report = SessionReportFactory(session=session_b)
    Quote.objects.create(report=report, participant=other, text="We were not asked.", language="en")
    RecommendationFactory(session=session_b, status=RecommendationStatus.DRAFT)
    accepted = RecommendationFactory(session=session_b, status=RecommendationStatus.ACCEPTED)
    Endorsement.objects.create(recommendation=accepted, participant=other, endorses=True)
    OutcomePublication.objects.create(
        event=event, draft_published_at=now, comments_close_at=now + datetime.timedelta(days=7)
    )
    EventFramework.objects.create(event=event, framework=Framework.objects.first())
    add_evaluation_form(event)
    queue_message(other, MessageKind.CONFIRMATION)
    Announcement.objects.create(event=event, subject="Bus times", text="The bus leaves Batken at 6.")
    OutcomeDocument.objects.create(event=event, language="en", format="csv")
    BulkSend.objects.create(event=event, what=BulkSendKind.INVITATIONS, participant_ids=[participant.pk, other.pk])
    logo = EventLogoFactory(event=event)
    attempt = {"user_agent": "phone", "ip_address": "127.0.0.1", "username": "organiser", "path_info": "/admin/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    return {
        "event": event,
        "logo": logo,
        "session": session_b,
        "participant": participant,
        "other": other,
        "users": {
            "facilitator A": facilitator_a,
            "facilitator B": facilitator_b,
            "door staff": DoorStaffFactory(),
            "staff": UserFactory(is_staff=True),
            "organiser": OrganiserFactory(),
            "superuser": UserFactory(is_staff=True, is_superuser=True),
        },
    }


def admin_object(model):
    """Somebody else's object of this model: the last one made, or an id that does not exist."""
    obj = model._default_manager.order_by("-pk").first()
    return str(obj.pk) if obj else "999999"


def fill(name, pattern, world):
    """The URL of this pattern with real ids of other people's objects."""
    keys = pattern.pattern.regex.groupindex.keys()
    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    model = next((m for prefix, m in models.items() if name and name.startswith(f"admin:{prefix}_")), None)
    values = {
        "slug": world["event"].slug,
        "pk": str(world["session"].pk),
        "session_pk": str(world["session"].pk),
        "token": world["other"].access_token,
        "code": checkin_code(world["other"]),
        "path": world["logo"].image.name,
        "app_label": "participants",
        "content_type_id": str(ContentType.objects.get_for_model(Event).pk),
        "object_id": admin_object(model) if model else str(world["event"].pk),
        "id": admin_object(model) if model else "",
    }
    if name in ("recommendations:delete_quote",):
        values["pk"] = str(Quote.objects.get().pk)
    if name and name.startswith("recommendations:") and "recommendation" in name:
        values["pk"] = str(world["session"].recommendations.order_by("pk").first().pk)
    if name and name.endswith("_download"):
        values["pk"] = str(OutcomeDocument.objects.get().pk)
    if pattern.pattern.regex.groups and not keys:  # django-simple-history's positional history pages
        obj = model._default_manager.order_by("-pk").first()
        return reverse(name, args=[obj.pk, obj.history.first().history_id])
    with translation.override("en"):
        return reverse(name, kwargs={key: values[key] for key in keys}) if name else None


def log_in(client, role, world):
    if role == "participant":
        client.get(world["participant"].get_personal_url())
    elif role != "anonymous":
        client.force_login(world["users"][role])


def test_each_role_gets_what_the_role_table_says_on_every_address(client, world):
    mismatches, server_errors = [], []
    addresses = []
    for name, pattern in url_patterns():
        if name is None:  # the admin's "<id>/" that only redirects to "<id>/change/"
            continue
        addresses.append((name, fill(name, pattern, world)))
    # Opening somebody's personal link lets this browser into her pages: last.
    addresses.sort(key=lambda address: address[0] == "participants:personal_link")
    for role in ROLES:
        client.logout()
        log_in(client, role, world)
        for name, address in addresses:
            status = client.get(address).status_code
            if status >= 500:
                server_errors.append(f"{role} {address}: {status}")
            elif status != expected_answers(name)[role]:
                mismatches.append(f"{name:60} {role:14} got {status}, expected {expected_answers(name)[role]}")
    assert not server_errors, "\n".join(server_errors)
    assert not mismatches, "\n".join(mismatches)


def test_staff_without_a_role_see_no_person_in_the_admin(client, world):
    client.force_login(world["users"]["staff"])

    page = client.get(reverse("admin:index")).content.decode()

    assert "Participants" not in page and world["other"].full_name not in page
    assert "You don’t have permission to view or edit anything." in page


def test_the_organisers_group_reaches_every_app_an_organiser_needs(world):
    organiser = world["users"]["organiser"]

    for permission in (
        "messaging.view_message",
        "messaging.add_announcement",
        "participants.change_participant",
        "agenda.change_event",
        "recommendations.change_recommendation",
        "participants.manage_people",
        "participants.check_in",
    ):
        assert organiser.has_perm(permission), permission
    assert Group.objects.get(name=ORGANISERS).user_set.filter(pk=organiser.pk).exists()
    assert not organiser.is_superuser
