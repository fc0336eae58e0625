"""The client's own pages for goals, under ``c/<token>/`` in the ``portal`` namespace."""

from django.urls import path

from keywork.goals import portal_views

urlpatterns = [
    path("goals/", portal_views.goals_list, name="goals_list"),
    path("goals/propose/", portal_views.goals_propose, name="goals_propose"),
    path("goals/<int:pk>/", portal_views.goals_detail, name="goals_detail"),
    path("goals/<int:pk>/comment/", portal_views.goals_comment, name="goals_comment"),
]
