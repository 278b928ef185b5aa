from importlib import import_module

import pytest
from django.apps import apps
from django.utils import translation


@pytest.fixture(autouse=True)
def english_content():
    """Each test starts in English, whatever language an earlier request left active.

    Model content is written per language (modeltranslation): a factory's
    title=... must land in the English field, not in the last page's language.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def places():
    """The regions and districts the demo's people come from.

    A migration writes them, and the flush that ends each transactional test
    (an earlier browser or worker test) removes them; write them again the same way.
    """
    import_module("participants.migrations.0002_regions_and_districts").seed_places(apps, None)
