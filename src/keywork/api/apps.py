from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "keywork.api"
    label = "api"
