import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from agenda.tests.factories import EventFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Rate-limit counters and the shared blank registration page must not
    # carry over from one test to the next.
    caches["ratelimit"].clear()
    caches["local"].clear()


@pytest.fixture
def open_event():
    now = timezone.now()
    return EventFactory(
        slug="batken-dialogue",
        open_registration=True,
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=10),
        capacity=30,
    )
