from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "zhaoluo.ledgers"
    label = "ledgers"
    verbose_name = _("台账导入导出")

    def ready(self) -> None:
        # Each app declares its kinds in its own ledgers.py; importing them registers them.
        from importlib import import_module

        from django.apps import apps
        from django.utils.module_loading import module_has_submodule

        for config in apps.get_app_configs():
            if config.name.startswith("zhaoluo.") and module_has_submodule(config.module, "ledgers"):
                import_module(f"{config.name}.ledgers")
