"""Where apps plug into the kernel.

The kernel (zhaoluo/core) imports no app (DESIGN rule 10). An app adds what it brings to the
platform-wide machinery from its own `plugins.py`, which the kernel imports for every
installed zhaoluo app once the models are loaded (CoreConfig.ready → `discover`):

- tick steps: `scheduled.register_step(Step(name, label, run, order=N))`;
- OpenAPI enum names: `api_schema.register_enums(*TextChoices)` (and `register_enum_subset`);
- template filters and tags of `{% load zl %}`: `@templatetags.zl.register.filter` in a module
  the plugins.py imports;
- privacy subjects (whose data a deletion request can name): `privacy.register_subject(...)`;
- the roles behind the kernel's own checks: `roles.register(roles.AUDIT_READER, check)`.

docs/architecture.md has the table and an example.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

PLUGINS_MODULE = "plugins"


def discover() -> None:
    """Import each installed zhaoluo app's plugins.py, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if config.name.startswith("zhaoluo.") and module_has_submodule(config.module, PLUGINS_MODULE):
            import_module(f"{config.name}.{PLUGINS_MODULE}")
