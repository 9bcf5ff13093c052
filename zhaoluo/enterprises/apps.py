from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhaoluo.enterprises"
    label = "enterprises"
    verbose_name = "企业"
