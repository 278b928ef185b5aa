import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_content():
    """Each test starts in English, so that factories write the English fields of translated content."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hashing a test user's password the production way takes a large part of each test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
