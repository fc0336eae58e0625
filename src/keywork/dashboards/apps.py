from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "keywork.dashboards"
    label = "dashboards"
