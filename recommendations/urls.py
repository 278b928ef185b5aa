from django.urls import path

from . import views

app_name = "recommendations"

# Under the facilitators' pages of the agenda: /<language>/facilitate/sessions/<id>/report/
urlpatterns = [
    path("facilitate/sessions/<int:session_pk>/report/", views.ReportView.as_view(), name="session_report"),
    path(
        "facilitate/sessions/<int:session_pk>/report/draft/",
        views.FormDraftView.as_view(),
        {"form": "report"},
        name="report_draft",
    ),
    path("facilitate/sessions/<int:session_pk>/quotes/", views.QuoteAddView.as_view(), name="add_quote"),
    path(
        "facilitate/sessions/<int:session_pk>/quotes/<int:pk>/delete/",
        views.QuoteDeleteView.as_view(),
        name="delete_quote",
    ),
    path(
        "facilitate/sessions/<int:session_pk>/recommendations/new/",
        views.RecommendationFormView.as_view(),
        name="add_recommendation",
    ),
    path(
        "facilitate/sessions/<int:session_pk>/recommendations/new/draft/",
        views.FormDraftView.as_view(),
        name="new_recommendation_draft",
    ),
    path(
        "facilitate/sessions/<int:session_pk>/recommendations/<int:pk>/",
        views.RecommendationFormView.as_view(),
        name="edit_recommendation",
    ),
    path(
        "facilitate/sessions/<int:session_pk>/recommendations/<int:pk>/draft/",
        views.FormDraftView.as_view(),
        name="recommendation_draft",
    ),
    path(
        "facilitate/sessions/<int:session_pk>/recommendations/<int:pk>/delete/",
        views.RecommendationDeleteView.as_view(),
        name="delete_recommendation",
    ),
    path(
        "facilitate/sessions/<int:session_pk>/recommendations/<int:pk>/submit/",
        views.RecommendationSubmitView.as_view(),
        name="submit_recommendation",
    ),
    # The draft outcome on a participant's own pages (reached through her personal link), and the final one in public.
    path("events/<slug:slug>/me/outcome/", views.ParticipantOutcomeView.as_view(), name="participant_outcome"),
    path("events/<slug:slug>/outcome/", views.public_outcome, name="public_outcome"),
    # Where each published recommendation stands in the plan, for everybody.
    path("events/<slug:slug>/follow-up/", views.follow_up_tracker, name="event_follow_up"),
    path("events/<slug:slug>/follow-up/evidence/<int:pk>/", views.follow_up_evidence, name="follow_up_evidence"),
    path("follow-up/", views.follow_up_tracker, name="follow_up"),
]
