import datetime

import factory
from django.utils import timezone

from agenda.tests.factories import EventFactory, SessionFactory, UserFactory
from dialogue_event.roles import ensure_role_groups
from participants.models import Consent, ConsentKind, ConsentMethod
from participants.tests.factories import ParticipantFactory
from recommendations.models import Recommendation, RecommendationStatus, SessionReport


class OrganiserFactory(UserFactory):
    """Staff in the Organisers group, with the group's permissions."""

    is_staff = True
    last_name = factory.Sequence(lambda n: f"Organiser {n}")

    @factory.post_generation
    def in_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(ensure_role_groups())


class StartedSessionFactory(SessionFactory):
    """A session of an event that began an hour ago, so its report is open."""

    event = factory.SubFactory(
        EventFactory,
        starts_at=factory.LazyFunction(
            lambda: timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
        ),
    )


class SessionReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionReport

    session = factory.SubFactory(StartedSessionFactory)
    key_points = "Women in Leilek asked for a say in the border talks."


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    session = factory.SubFactory(StartedSessionFactory)
    text = factory.Sequence(lambda n: f"Include women from border villages in commission number {n}.")
    language = "en"
    status = RecommendationStatus.SUBMITTED


def participant_who_may_be_quoted(event, **kwargs):
    participant = ParticipantFactory(event=event, **kwargs)
    Consent.objects.create(
        participant=participant, kind=ConsentKind.MEDIA, given=True, text_version="test", language="en", method=ConsentMethod.WEB_FORM
    )
    return participant
