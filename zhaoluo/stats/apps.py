from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zhaoluo.stats"
    label = "stats"
    verbose_name = "统计"
