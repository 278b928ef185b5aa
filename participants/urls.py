from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    # Short, for an SMS: /ru/p/<token>/
    path("p/<str:token>/", views.personal_link, name="personal_link"),
    path("events/<slug:slug>/register/", views.RegisterView.as_view(), name="register"),
    path("events/<slug:slug>/registered/", views.registered, name="registered"),
    path("events/<slug:slug>/me/", views.MyRegistrationView.as_view(), name="my_registration"),
    path("events/<slug:slug>/me/decline/", views.decline_invitation, name="decline"),
    path("events/<slug:slug>/me/cancel/", views.cancel_registration, name="cancel"),
    path("events/<slug:slug>/me/sign-out/", views.sign_out, name="sign_out"),
    # The check-in QR code as an image, for the emails and the personal page.
    path("c/<str:code>.png", views.checkin_code_image, name="checkin_code_image"),
    # Short, for an SMS as well: /ru/a/<signed>/
    path("a/<str:signed>/", views.confirm_address, name="confirm_address"),
    path("events/<slug:slug>/report/", views.participation_report, name="report"),
    path("events/<slug:slug>/report/xlsx/", views.participation_report_xlsx, name="report_xlsx"),
]
