from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhaoluo.accounts"
    verbose_name = "账号安全"
