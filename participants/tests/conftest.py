import pytest
from django.core.cache import caches

from agenda.tests.factories import EventFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Rate-limit counters and the shared blank registration page must not
    # carry over from one test to the next.
    caches["ratelimit"].clear()
    caches["local"].clear()


@pytest.fixture
def open_event():
    return EventFactory(slug="batken-dialogue", registration_open=True, capacity=30)
