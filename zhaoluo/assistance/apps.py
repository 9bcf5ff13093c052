from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "zhaoluo.assistance"
    label = "assistance"
    verbose_name = "帮扶情况收集表"
