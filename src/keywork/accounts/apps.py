from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keywork.accounts"
    label = "accounts"
