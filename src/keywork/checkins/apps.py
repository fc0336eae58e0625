from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "keywork.checkins"
    label = "checkins"
