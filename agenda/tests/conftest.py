import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_content():
    """Each test starts in English, whatever language an earlier request left active.

    Model content is written per language (modeltranslation): a factory's
    title=... must land in the English field, not in the last page's language.
    """
    with translation.override("en"):
        yield
