import factory

from agenda.tests.factories import EventFactory
from participants.models import Category, District, Participant, Region, Status


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"District {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    event = factory.SubFactory(EventFactory)
    full_name = factory.Sequence(lambda n: f"Aizada Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    phone = factory.Sequence(lambda n: f"+996555{n:06d}")
    status = Status.INVITED
    preferred_language = "en"
    category = factory.LazyAttribute(lambda participant: participant.event.categories.first())
