from django.urls import path

from keywork.breakglass import views

app_name = "breakglass"

urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/", views.review, name="review"),
    path("settings/", views.settings_page, name="settings"),
]
