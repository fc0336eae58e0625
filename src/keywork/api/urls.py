from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from keywork.api import views

app_name = "api"

urlpatterns = [
    path("v1/clients/", views.ClientList.as_view(), name="client-list"),
    path("v1/clients/<int:pk>/", views.ClientDetail.as_view(), name="client-detail"),
    path("v1/relationships/", views.RelationshipList.as_view(), name="relationship-list"),
    path("v1/relationships/<int:pk>/", views.RelationshipDetail.as_view(),
         name="relationship-detail"),
    path("v1/contacts/", views.ContactList.as_view(), name="contact-list"),
    path("v1/contacts/<int:pk>/", views.ContactDetail.as_view(), name="contact-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
