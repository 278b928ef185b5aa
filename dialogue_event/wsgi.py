"""The WSGI application that gunicorn serves (see the README's "Running it in production")."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_event.settings")

from .middleware import RefuseUnreadableCharset  # noqa: E402  (after the settings are named)

application = RefuseUnreadableCharset(get_wsgi_application())
