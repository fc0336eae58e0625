from django.urls import path

from keywork.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("second-factor/", views.otp_verify, name="otp_verify"),
    path("second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("language/", views.set_language, name="set_language"),
    path("", views.preferences, name="preferences"),
    path("token/", views.token, name="token"),
]
