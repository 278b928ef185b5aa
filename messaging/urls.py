from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("sms/reports/", views.sms_report, name="sms_report"),
]
