from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "zhaoluo.problems"
    label = "problems"
    verbose_name = "问题"
