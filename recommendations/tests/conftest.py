import pytest
from django.utils import translation

from recommendations.models import RecommendationStatus
from recommendations.tests.factories import RecommendationFactory


@pytest.fixture(autouse=True)
def english_content():
    """Each test starts in English, so that factories write the English fields of translated content."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hashing a test user's password the production way takes a large part of each test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def accepted():
    """An accepted recommendation, in a session of an event of its own."""
    return RecommendationFactory(status=RecommendationStatus.ACCEPTED, text="Give women a seat on the border commission.")


@pytest.fixture
def event(accepted):
    return accepted.session.event
