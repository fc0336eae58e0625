"""The client's own pages for boundaries, under ``c/<token>/`` in the ``portal`` namespace."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
