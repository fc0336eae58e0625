from django.urls import path

from keywork.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.home, name="home"),
    path("episode/<int:pk>/rank/", views.rank, name="rank"),
    path("unit/<int:pk>/intake/", views.intake, name="intake"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/handover/", views.handover, name="handover"),
    path("client/<int:pk>/preferences/", views.preferences, name="preferences"),
    path("client/<int:pk>/conflict/", views.conflict_new, name="conflict"),
    path("profile/", views.profile, name="profile"),
    path("profiles/", views.profiles, name="profiles"),
    path("profiles/<int:pk>/", views.profile_edit, name="profile_edit"),
    path("skills/", views.skills, name="skills"),
    path("weights/", views.weights, name="weights"),
]
