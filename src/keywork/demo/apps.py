from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "keywork.demo"
    label = "demo"
