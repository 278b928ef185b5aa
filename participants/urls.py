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
    path("events/<slug:slug>/me/certificate.pdf", views.certificate, name="certificate"),
    # The check-in QR code as an image, for the emails and the personal page.
    path("c/<str:code>.png", views.checkin_code_image, name="checkin_code_image"),
    # Short, for an SMS as well: /ru/a/<token>/
    path("a/<str:token>/", views.confirm_address, name="confirm_address"),
    path("events/<slug:slug>/report/", views.participation_report, name="report"),
    path("events/<slug:slug>/report/xlsx/", views.participation_report_xlsx, name="report_xlsx"),
    # The door: check-in on the organisers' and door staff's phones, offline too.
    path("events/<slug:slug>/door/", views.door_page, name="door"),
    path("events/<slug:slug>/door/service-worker.js", views.door_service_worker, name="door_service_worker"),
    path("events/<slug:slug>/door/people.json", views.door_people, name="door_people"),
    path("events/<slug:slug>/door/search.json", views.door_search, name="door_search"),
    path("events/<slug:slug>/door/check-in/", views.door_check_in, name="door_check_in"),
    path("events/<slug:slug>/door/undo/", views.door_undo, name="door_undo"),
    path("events/<slug:slug>/door/walk-in/", views.door_walk_in, name="door_walk_in"),
    path("events/<slug:slug>/door/login/", views.DoorLoginView.as_view(), name="door_login"),
    path("events/<slug:slug>/door/logout/", views.DoorLogoutView.as_view(), name="door_logout"),
]
