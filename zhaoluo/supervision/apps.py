from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhaoluo.supervision"
    label = "supervision"
    verbose_name = "三级督查"
