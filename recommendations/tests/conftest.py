import pytest
from django.utils import translation

from recommendations import services
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


@pytest.fixture
def published(organiser):
    """An accepted recommendation (said in Russian, translated) of an event whose final outcome is published."""
    recommendation = RecommendationFactory(
        status=RecommendationStatus.ACCEPTED,
        text="Включить женщин в пограничные комиссии.",
        language="ru",
        translation_en="Include women in the border commissions.",
        translation_ky="Чек ара комиссияларына аялдарды киргизүү.",
    )
    services.publish_final(recommendation.event, by=organiser)
    return recommendation
