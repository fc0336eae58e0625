from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "keywork.clients"
    label = "clients"
