from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Public pages carry their language in the address (/ru/events/...), so a link
# shared on WhatsApp opens in the language it was copied in.
urlpatterns += i18n_patterns(
    path("", include("agenda.urls")),
    path("", include("participants.urls")),
    path("", include("recommendations.urls")),
)

admin.site.site_header = _("Dialogue administration")
admin.site.site_title = _("Dialogue administration")
