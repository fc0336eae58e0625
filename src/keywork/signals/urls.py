from django.urls import path

from keywork.signals import views

app_name = "signals"

urlpatterns = [
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/update/", views.alert_update, name="alert_update"),
    path("relationships/<int:pk>/dyad/", views.dyad, name="dyad"),
]
