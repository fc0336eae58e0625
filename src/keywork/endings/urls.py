from django.urls import path

from keywork.endings import views

app_name = "endings"

urlpatterns = [
    path("relationship/<int:pk>/", views.checklist, name="checklist"),
    path("relationship/<int:pk>/last-checkin/", views.last_checkin, name="last_checkin"),
]
