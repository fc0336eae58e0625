from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "keywork.records"
    label = "records"
