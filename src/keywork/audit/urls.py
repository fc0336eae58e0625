from django.urls import path

from keywork.audit import views

app_name = "audit"

urlpatterns = [
    path("clients/<int:pk>/", views.access_log, name="access_log"),
    path("clients/<int:pk>/subject-access/", views.subject_access, name="subject_access"),
    path("verify/", views.verify, name="verify"),
]
