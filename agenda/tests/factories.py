import datetime
import struct
import zlib

import factory
from django.core.files.base import ContentFile
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from agenda.models import Event, EventLogo, LogoRole, Session, Track
from dialogue_event.roles import DOOR_STAFF, FACILITATORS


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Dialogue number {n}")
    slug = factory.Sequence(lambda n: f"dialogue-{n}")
    theme = "Women's leadership for peace"
    purpose = "To hear women leaders from the border areas."
    city = "Osh"
    venue = "Conference hall"
    address = "Lenin street 1, Osh"
    # On the hour, as organisers plan, so that forms typed to the minute fit in it.
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=8))
    capacity = 40
    contact_email = "dialogue@example.org"
    is_published = True

    class Params:
        # EventFactory(registration_open=True): anyone may register, from yesterday until ten days from now.
        registration_open = factory.Trait(
            open_registration=True,
            registration_opens_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
            registration_closes_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10)),
        )


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Track {n}")
    order = factory.Sequence(lambda n: n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Aigul"
    last_name = factory.Sequence(lambda n: f"Facilitator {n}")
    password = factory.django.Password("a-long-test-password")


class FacilitatorFactory(UserFactory):
    @factory.post_generation
    def in_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get_or_create(name=FACILITATORS)[0])


class DoorStaffFactory(UserFactory):
    @factory.post_generation
    def in_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get_or_create(name=DOOR_STAFF)[0])


class SessionFactory(factory.django.DjangoModelFactory):
    """A session in the first hour of its event."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(lambda session: session.event.starts_at)
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=1))
    room = factory.Sequence(lambda n: f"Room {n}")

    @factory.post_generation
    def facilitators(session, create, extracted, **kwargs):
        if create and extracted:
            session.facilitators.set(extracted)


def png(width=120, height=40, rgb=(29, 91, 121)):
    """A real PNG picture of one colour, written by hand: the project has no imaging library."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class EventLogoFactory(factory.django.DjangoModelFactory):
    """A logo stored in MEDIA_ROOT: use it with the media_root fixture, which gives each test a folder of its own."""

    class Meta:
        model = EventLogo

    event = factory.SubFactory(EventFactory)
    role = LogoRole.PARTNER
    organisation = factory.Sequence(lambda n: f"Partner organisation {n}")
    image = factory.LazyFunction(lambda: ContentFile(png(), name="logo.png"))
    order = factory.Sequence(lambda n: n)
