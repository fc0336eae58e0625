from django.urls import path

from keywork.organisations import views

app_name = "organisations"

urlpatterns = [
    path("people/", views.users, name="users"),
    path("people/new/", views.user_new, name="user_new"),
    path("people/<int:pk>/", views.user_edit, name="user_edit"),
    path("people/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("people/<int:pk>/second-factor/reset/", views.user_second_factor_reset,
         name="user_second_factor_reset"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("legal-bases/", views.legal_bases, name="legal_bases"),
    path("legal-bases/new/", views.legal_basis_new, name="legal_basis_new"),
    path("legal-bases/<int:pk>/", views.legal_basis_edit, name="legal_basis_edit"),
    path("settings/", views.settings, name="settings"),
    path("audit/", views.audit_verify, name="audit_verify"),
]
