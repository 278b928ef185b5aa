"""When the database cannot answer, the visitor gets a 503 page in her language with Retry-After, never a bare 500.

"Cannot answer" is PostgreSQL unreachable or restarting (OperationalError or InterfaceError, on connecting or in
the middle of a request) and PostgreSQL giving up waiting (QueryCanceled from statement_timeout, LockNotAvailable
from lock_timeout: psycopg2 raises both as OperationalError, and Django wraps them as its own). Such a failure
passes by itself, so the answer says to try again and touches the database no more.

These are Django's handler400 and handler500 rather than a middleware: Django turns an exception raised in a
middleware (the session saved after the view, for one) into a response at that middleware, so a middleware
around it never sees the exception; the error handlers see every one, raised in a view or in any middleware.
"""

import sys

import psycopg2
from django.db import InterfaceError, OperationalError
from django.views.decorators.csrf import requires_csrf_token

from .error_pages import error_page

# Long enough for PostgreSQL to restart or a lock to be released; the page asks for "a minute" as well.
RETRY_AFTER_SECONDS = 60

UNAVAILABLE = (OperationalError, InterfaceError, psycopg2.OperationalError, psycopg2.InterfaceError)


def is_database_unavailable(exception):
    """Whether the exception, or one it was raised from or while handling, says the database cannot answer.

    The chain matters: a session that cannot be saved reaches Django as SessionInterrupted, raised while
    handling the database's OperationalError.
    """
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, UNAVAILABLE):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def service_unavailable(request):
    response = error_page(request, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# The language switcher on the page needs the CSRF cookie, also when the error came before the CSRF middleware.
@requires_csrf_token
def bad_request(request, exception):
    if is_database_unavailable(exception):
        return service_unavailable(request)
    return error_page(request, 400)


@requires_csrf_token
def server_error(request):
    # Django calls this while it handles the exception, which it does not pass on.
    if is_database_unavailable(sys.exception()):
        return service_unavailable(request)
    return error_page(request, 500)
