from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "keywork.core"
    label = "core"
