from django.urls import path

from keywork.portal import views

app_name = "portal"

urlpatterns = [
    path("<str:token>/", views.checkin, name="checkin"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
]
