from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhaoluo.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import (
            audit_chain,
            checks,  # noqa: F401 - registers the security start-up checks
            models,
        )
        from .registry import discover

        # Looked up on each call (a test may replace audit_chain.seal); see models.set_sealer.
        models.set_sealer(lambda rows: audit_chain.seal(rows))
        # Every app's plugins.py registers its tick steps, schema enums, template tags,
        # privacy subjects and role checks (core/registry.py).
        discover()
