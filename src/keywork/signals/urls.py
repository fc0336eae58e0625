from django.urls import path

from keywork.signals import views

app_name = "signals"

urlpatterns = [
    path("signals/alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("signals/alerts/<int:pk>/update/", views.alert_update, name="alert_update"),
    path("signals/relationships/<int:pk>/dyad/", views.dyad, name="dyad"),
    # The administrator's page sits with the organisation's other settings.
    path("organisation/settings/check-ins/", views.settings, name="settings"),
]
