from django.urls import path

from keywork.checkins import views

app_name = "checkins"

urlpatterns = [
    path("relationship/<int:pk>/", views.relationship, name="relationship"),
    path("relationship/<int:pk>/link/", views.link_new, name="link_new"),
    path("relationship/<int:pk>/handover/", views.handover, name="handover"),
    path("relationship/<int:pk>/mine/", views.keyworker_form, name="keyworker_form"),
    path("relationship/<int:pk>/comments/", views.comments, name="comments"),
    path("<int:pk>/", views.response, name="response"),
    path("<int:pk>/fhir/", views.fhir_response, name="fhir_response"),
    path("instruments/<int:pk>/fhir/", views.fhir_questionnaire, name="fhir_questionnaire"),
]
