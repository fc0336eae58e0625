from django.urls import path

from keywork.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("caseload/", views.keyworker, name="keyworker"),
    path("units/", views.supervisor, name="supervisor"),
    path("service/", views.manager, name="manager"),
    path("service/<slug:table>.<slug:fmt>", views.manager_export, name="manager_export"),
    path("service/targets/", views.targets, name="targets"),
    path("research/", views.research, name="research"),
    path("research/episodes.csv", views.research_export, name="research_export"),
]
