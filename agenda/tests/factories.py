import datetime

import factory
from django.utils import timezone

from agenda.models import Event, Track


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
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=8))
    capacity = 40
    contact_email = "dialogue@example.org"
    is_published = True


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Track {n}")
    order = factory.Sequence(lambda n: n)
