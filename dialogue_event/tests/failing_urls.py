"""The site's addresses plus a few that fail on purpose, for dialogue_event/tests/test_error_pages.py.

Each failure comes with and without a language prefix, as the public pages and the admin have them.
"""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse
from django.urls import path

from dialogue_event.urls import (  # noqa: F401
    handler400,
    handler403,
    handler404,
    handler500,
    urlpatterns,
)

FAILURES = {
    400: SuspiciousOperation("a request nobody should send"),
    403: PermissionDenied(),
    404: Http404(),
    500: RuntimeError("a bug"),
}


def fail(request, status):
    raise FAILURES[status]


def remember_visit(request):
    """Writes the session, which SessionMiddleware saves after the view has answered."""
    request.session["visits"] = request.session.get("visits", 0) + 1
    return HttpResponse("remembered")


failing = [
    path("fail/<int:status>/", fail),
    path("remember/", remember_visit),
]
urlpatterns = [*failing, *i18n_patterns(*failing), *urlpatterns]
