from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "keywork.signals"
    label = "signals"
