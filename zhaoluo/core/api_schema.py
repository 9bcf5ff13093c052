"""OpenAPI: each choice set of the platform becomes one named enum component.

drf-spectacular names enums after the field ("kind", "stage"), so `Project.kind` and
`StageTransition.kind`, or `stage` / `from_stage` / `to`, collide and warn. Here a
choice field whose choices are one of our TextChoices is written as a `$ref` to
`<ClassName>Enum` instead. Imported by zhaoluo/api_urls.py; each app registers its choice
sets with `register_enums` from its own plugins.py.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from rest_framework import serializers

NAMED_CHOICES: list[type[models.TextChoices]] = []


def _key(choices: Any) -> tuple[str, ...]:
    return tuple(str(value) for value in choices)


# A choice set is known by its values; subsets get their own name (e.g. the initial stage).
_NAMES: dict[tuple[str, ...], str] = {}


def register_enums(*choices: type[models.TextChoices]) -> None:
    """An app names its choice sets in the schema (from its plugins.py): each becomes `<ClassName>Enum`."""
    for choice in choices:
        NAMED_CHOICES.append(choice)
        _NAMES[_key(choice.values)] = f"{choice.__name__}Enum"


def register_enum_subset(values: Any, name: str) -> None:
    """A subset of a choice set that a field takes on its own, under its own name."""
    _NAMES[_key(values)] = name


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = serializers.ChoiceField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field = self.target
        name = _NAMES.get(_key(field.choices))
        plain = isinstance(field, serializers.MultipleChoiceField) or field.allow_blank or field.allow_null
        if name is None or plain:
            return auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        schema = build_choice_field(field)
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        auto_schema.registry.register_on_missing(component)
        return component.ref
