from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhaoluo.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the security start-up checks
        from .registry import discover

        # Every app's plugins.py registers its tick steps, schema enums, template tags,
        # privacy subjects and role checks (core/registry.py).
        discover()
