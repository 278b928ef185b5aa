from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    # On a participant's own pages, reached through her personal link.
    path("events/<slug:slug>/me/evaluation/", views.ParticipantEvaluationView.as_view(), name="participant_evaluation"),
]
