from django.urls import path

from keywork.contacts import views

app_name = "contacts"

urlpatterns = [
    path("log/<int:pk>/", views.log, name="log"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/addendum/", views.addendum, name="addendum"),
]
