from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "keywork.contacts"
    label = "contacts"
