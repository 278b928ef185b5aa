"""The application's URLs and error pages, unchanged, plus three reference views that exist only for the benchmarks."""

from django.urls import path

# The application's error pages too: Django looks its handlers up in ROOT_URLCONF.
from dialogue_event.urls import handler400, handler403, handler404, handler500  # noqa: F401
from dialogue_event.urls import urlpatterns as application_urlpatterns

from . import views

# Concatenated rather than include()d: LocaleMiddleware only recognises the
# language prefix (/en/...) when i18n_patterns sit at the top of ROOT_URLCONF.
urlpatterns = [
    path("bench/constant/", views.constant, name="bench_constant"),
    path("bench/insert/", views.bare_insert, name="bench_insert"),
    path("bench/form/", views.form_floor, name="bench_form"),
    *application_urlpatterns,
]
