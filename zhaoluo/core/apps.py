from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhaoluo.core"
    label = "core"
    verbose_name = "基础"
