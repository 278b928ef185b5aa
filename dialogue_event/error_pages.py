"""The site's own error pages, in the visitor's language, light enough to draw when the database is down.

Django calls these views for an exception nothing else answered (handler403 and handler404 in
dialogue_event/urls.py; handler400 and handler500 go through dialogue_event/database_errors.py first, as a
database failure can surface as either) and for a form refused by the CSRF check (CSRF_FAILURE_VIEW). The
templates under templates/errors/ read neither the database, the session nor request.user, so drawing them
cannot fail the way the page that failed did.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

# The language every participant reads, for an address without a language (/admin/, /healthz) and a visitor
# who never chose one.
FALLBACK_LANGUAGE = "ru"


def visitor_language(request):
    """The language of the address (/ky/...), else the one the visitor chose (the language cookie), else Russian.

    Worked out here rather than taken from LocaleMiddleware, which has not run for an error raised before it
    (in the session middleware, or on a bad Host header) and would fall back to the browser's language and
    then English.
    """
    language = translation.get_language_from_path(request.path_info)
    if language:
        return language
    try:
        return translation.get_supported_language_variant(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or "")
    except LookupError:
        return FALLBACK_LANGUAGE


def error_page(request, status, template_name=None):
    """Our page for an HTTP error status, drawn in the visitor's language."""
    language = visitor_language(request)
    with translation.override(language):
        response = render(request, template_name or f"errors/{status}.html", {"status": status}, status=status)
    response.headers["Content-Language"] = language
    return response


# The language switcher on the page needs the CSRF cookie, also when the error came before the CSRF middleware.
@requires_csrf_token
def permission_denied(request, exception):
    return error_page(request, 403)


@requires_csrf_token
def page_not_found(request, exception):
    return error_page(request, 404)


def csrf_failure(request, reason=""):
    """A form refused because its CSRF token or cookie was missing or stale: send it again, not "forbidden"."""
    return error_page(request, 403, "errors/csrf.html")
