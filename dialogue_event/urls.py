from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from agenda.views import logo_file

from .views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Served by the application, DEBUG or not: the events' logos are the only uploads anybody may see.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", logo_file, name="media"),
    # The SMS gateway's reports: no language, no session.
    path("", include("messaging.urls")),
]

# Public pages carry their language in the address (/ru/events/...), so a link
# shared on WhatsApp opens in the language it was copied in.
urlpatterns += i18n_patterns(
    path("", include("agenda.urls")),
    path("", include("participants.urls")),
    path("", include("recommendations.urls")),
    path("", include("evaluations.urls")),
)

# Our own error pages, in the visitor's language; a database that cannot answer gets a 503 (database_errors.py).
handler400 = "dialogue_event.database_errors.bad_request"
handler403 = "dialogue_event.error_pages.permission_denied"
handler404 = "dialogue_event.error_pages.page_not_found"
handler500 = "dialogue_event.database_errors.server_error"

admin.site.site_header = _("Dialogue administration")
admin.site.site_title = _("Dialogue administration")
