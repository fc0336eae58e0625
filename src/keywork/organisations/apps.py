from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "keywork.organisations"
    label = "organisations"
