"""The client's own pages for mandates, under ``c/<token>/`` in the ``portal`` namespace."""

from django.urls import path

from keywork.mandates import portal_views

urlpatterns = [
    path("mandates/", portal_views.mandates_list, name="mandates_list"),
    path("mandates/give/", portal_views.mandates_give, name="mandates_give"),
    path("mandates/<int:pk>/withdraw/", portal_views.mandates_withdraw,
         name="mandates_withdraw"),
]
