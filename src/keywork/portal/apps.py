from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "keywork.portal"
    label = "portal"
