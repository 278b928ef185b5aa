"""The application's URLs, unchanged, plus two reference views that exist only for the benchmarks."""

from django.urls import path

from dialogue_event.urls import urlpatterns as application_urlpatterns

from . import views

# Concatenated rather than include()d: LocaleMiddleware only recognises the
# language prefix (/en/...) when i18n_patterns sit at the top of ROOT_URLCONF.
urlpatterns = [
    path("bench/constant/", views.constant, name="bench_constant"),
    path("bench/insert/", views.bare_insert, name="bench_insert"),
    *application_urlpatterns,
]
