from django.urls import path

from keywork.safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("settings/", views.settings_page, name="settings"),
    path("clients/<int:pk>/", views.client_page, name="client"),
    path("clients/<int:pk>/household/add/", views.member_add, name="member_add"),
    path("household/<int:pk>/", views.member_edit, name="member_edit"),
    path("clients/<int:pk>/enquiries/<slug:topic>/", views.enquiry_record,
         name="enquiry_record"),
    path("clients/<int:pk>/concerns/new/", views.concern_new, name="concern_new"),
    path("concerns/<int:pk>/", views.concern, name="concern"),
    path("concerns/<int:pk>/decision/", views.concern_decide, name="concern_decide"),
    path("concerns/<int:pk>/close/", views.concern_close, name="concern_close"),
    path("concerns/<int:pk>/review/", views.concern_review, name="concern_review"),
    path("concerns/<int:pk>/safety-plan/", views.safety_plan, name="safety_plan"),
    path("concerns/<int:pk>/safety-plan/document/", views.safety_plan_file,
         name="safety_plan_file"),
]
