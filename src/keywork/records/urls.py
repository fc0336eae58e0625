from django.urls import path

from keywork.records import views

app_name = "records"

# Mounted at the root: the paths are those of the record's own apps.
urlpatterns = [
    path("clients/<int:pk>/", views.client, name="client"),
    path("relationships/<int:pk>/", views.relationship, name="relationship"),
    path("audit/clients/<int:pk>/", views.access_log, name="access_log"),
    path("audit/clients/<int:pk>/subject-access/", views.subject_access,
         name="subject_access"),
]
