from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "zhaoluo.cockpit"
    label = "cockpit"
    verbose_name = "工作台"
