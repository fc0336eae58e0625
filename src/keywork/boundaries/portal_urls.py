"""The client's own pages for boundaries, under ``c/<token>/`` in the ``portal`` namespace."""

from __future__ import annotations

from django.urls import path

from keywork.boundaries import portal_views

urlpatterns = [
    path("worry/", portal_views.concern, name="boundaries_concern"),
]
