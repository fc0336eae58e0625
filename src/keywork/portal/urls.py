from django.urls import include, path

from keywork.portal import views

app_name = "portal"

urlpatterns = [
    path("<str:token>/", views.checkin, name="checkin"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
    path("<str:token>/me/", views.space, name="space"),
    path("<str:token>/", include("keywork.boundaries.portal_urls")),
    path("<str:token>/", include("keywork.goals.portal_urls")),
    path("<str:token>/", include("keywork.mandates.portal_urls")),
    path("<str:token>/", include("keywork.matching.portal_urls")),
]
