from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "zhaoluo.service"
    label = "service"
    verbose_name = "百名干部进百企"
