from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "zhaoluo.meetings"
    label = "meetings"
    verbose_name = "会议"
