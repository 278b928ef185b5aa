"""Reference views for the benchmarks: the floor of what a request costs in this stack.

They go through the same gunicorn, WSGI handler and middleware as every page,
so the application's pages can be compared with them.
"""

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

TABLE = "benchmark_insert"  # created by benchmarks/setup_event.py


def constant(request):
    """No database, no template: the framework's own cost per request."""
    return HttpResponse(b"ok\n", content_type="text/plain")


@csrf_exempt
def bare_insert(request):
    """One INSERT through a raw cursor (autocommit): the cheapest request that writes."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (value) VALUES (%s)", [request.method])
    return HttpResponse(b"inserted\n", content_type="text/plain")
