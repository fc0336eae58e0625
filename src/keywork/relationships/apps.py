from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "keywork.relationships"
    label = "relationships"
