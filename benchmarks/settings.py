"""Settings for the benchmarks: the application's own, plus the benchmark-only reference views.

Only `benchmarks/registration.py` uses this module (DJANGO_SETTINGS_MODULE=benchmarks.settings).
Everything else comes from the environment exactly as in production.
"""

from dialogue_event.settings import *  # noqa: F403
from dialogue_event.settings import CACHES

ROOT_URLCONF = "benchmarks.urls"

# Own key prefixes, so the benchmark's rate-limit counters never mix with those
# of a development server sharing the Redis server, and are easy to remove.
CACHES = {name: dict(cache) for name, cache in CACHES.items()}
CACHES["default"]["KEY_PREFIX"] = "dialogue_event_bench"
CACHES["ratelimit"]["KEY_PREFIX"] = "dialogue_event_bench_ratelimit"
