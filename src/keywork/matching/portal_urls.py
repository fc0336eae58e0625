"""The client's own pages for matching, under ``c/<token>/`` in the ``portal`` namespace."""

from __future__ import annotations

from django.urls import path

from keywork.matching import views

urlpatterns = [
    path("keyworker/change/", views.client_change, name="matching_change"),
]
