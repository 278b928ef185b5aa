from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@never_cache
@require_GET
def healthz(request):
    """Report whether the services a request needs are reachable.

    503 when the database or the broker is down, so a load balancer takes the
    instance out of rotation. The worker's heartbeat is information only: a
    web instance can serve pages while the workers are being restarted.
    """
    services = {
        "database": "up" if health.database_is_up() else "down",
        "broker": "up" if health.broker_is_up() else "down",
    }
    healthy = all(state == "up" for state in services.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "services": services,
        "down": [name for name, state in services.items() if state != "up"],
        "worker_heartbeat_age_seconds": health.seconds_since_last_heartbeat(),
    }
    return JsonResponse(body, status=200 if healthy else 503)
