from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhaoluo.accounts"
    verbose_name = "账号安全"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="zhaoluo.accounts.stamp_login")
