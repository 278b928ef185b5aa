from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<slug:slug>/agenda/", views.TimetableView.as_view(), name="timetable"),
    path("events/<slug:slug>/agenda.ics", views.event_calendar, name="event_calendar"),
    path("events/<slug:slug>/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("events/<slug:slug>/sessions/<int:pk>.ics", views.session_calendar, name="session_calendar"),
    path("facilitators/", views.FacilitatorSessionsView.as_view(), name="facilitator_sessions"),
    path("facilitators/login/", views.FacilitatorLoginView.as_view(), name="facilitator_login"),
    path("facilitators/logout/", views.FacilitatorLogoutView.as_view(), name="facilitator_logout"),
]
