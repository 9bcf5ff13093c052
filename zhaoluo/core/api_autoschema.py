"""The OpenAPI generator of the platform: drf-spectacular's, told three things it cannot see.

- An update serializer built on `VersionedMixin` refuses a PATCH without `version` (409 guard);
  drf-spectacular makes every field of a PATCH body optional, so `version` is put back among
  the required ones.
- A paged list answers 404 for a page past the end (DRF's paginator): documented on every
  paged list.
- A list with a FilterSet answers 400 for a bad filter value (core/filtering.py): documented on
  every filtered list.
- A single-choice filter (`event`, `status` …) takes "" as "不限" (the list pages send it from
  their selects): "" is listed among its values.
- A read-only field a ModelSerializer builds from a model field loses `allow_blank` and
  `allow_null` (DRF drops them for read-only fields), so a choice left blank ("" for a problem
  not yet rated, an official outside the 四大家) or a null column was shown as never empty.
  The model field decides: blank choices also allow "", null columns are nullable.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiResponse

from .api_support import ErrorSerializer, VersionedMixin

PAGE_PAST_THE_END = "页码超出范围（page 大于总页数）或记录不在您的查看范围内"
BAD_FILTER = "筛选条件有误：error.fields 按参数名列出中文原因"


def _model_field(field: Any) -> models.Field[Any, Any] | None:
    meta = getattr(field.parent, "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", "")
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        found = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # Only the outermost call: an extension (core/api_schema.py) maps the field again inside it.
        model_field = _model_field(field) if field.read_only and not bypass_extensions else None
        if schema is None or model_field is None:
            return schema
        if model_field.choices and model_field.blank and not getattr(field, "allow_blank", False):
            schema = {"oneOf": [schema, {"type": "string", "enum": [""]}]}
        if model_field.null and not field.allow_null and not schema.get("nullable"):
            schema = {**schema, "nullable": True} if "$ref" not in schema else {"allOf": [schema], "nullable": True}
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        instance = force_instance(serializer)
        if direction == "request" and isinstance(instance, VersionedMixin) and "version" in schema["properties"]:
            schema["required"] = sorted({*schema.get("required", []), "version"})
        return schema

    def _get_filter_parameters(self) -> Any:
        parameters = super()._get_filter_parameters()
        filterset = getattr(self.view, "filterset_class", None)
        filters = filterset.base_filters if filterset is not None else {}
        for parameter in parameters:
            found = filters.get(parameter["name"])
            schema = parameter.get("schema", {})
            single = isinstance(found, django_filters.ChoiceFilter) and not isinstance(
                found, django_filters.MultipleChoiceFilter
            )
            if single and "enum" in schema and "" not in schema["enum"]:
                schema["enum"] = [*schema["enum"], ""]
        return parameters

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        if self.method != "GET" or not self._is_list_view():
            return responses
        if self._get_paginator() is not None and "404" not in responses:
            responses["404"] = self._error(PAGE_PAST_THE_END, "404", direction)
        if getattr(self.view, "filterset_class", None) is not None and "400" not in responses:
            responses["400"] = self._error(BAD_FILTER, "400", direction)
        return responses

    def _error(self, description: str, code: str, direction: Any) -> Any:
        return self._get_response_for_code(
            OpenApiResponse(ErrorSerializer, description=description), code, None, direction
        )
