from django.urls import path

from keywork.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.today, name="today"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("settings/", views.settings_page, name="settings"),
]
