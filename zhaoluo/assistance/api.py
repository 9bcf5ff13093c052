"""REST API for assistance forms: the scoped list, detail, create (with its lines) and submit.

Reads go through selectors (a form whose subject is outside the caller's scope is 404),
writes through services; this module only translates.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core.api_support import (
    ApiMixin,
    LabelledErrorsMixin,
    ScopedPrimaryKeyField,
    acting_user,
    create_once,
    date_field,
    errors,
    service_errors,
    version_field,
)
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Unit
from zhaoluo.projects.models import Project

from . import permissions, selectors, services
from .choices import FACTOR_CHOICES
from .filters import AssistanceFormFilterSet
from .models import AssistanceForm, AssistanceLine

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="收集表 id")
TAG = ["帮扶情况收集表"]


class LineSerializer(serializers.ModelSerializer[AssistanceLine]):
    factor_label = serializers.CharField(source="get_factor_display", read_only=True)
    suggested_unit_name = serializers.CharField(
        source="suggested_unit.name", read_only=True, allow_null=True, default=None
    )
    problem_code = serializers.CharField(source="problem.code", read_only=True, allow_null=True, default=None)
    problem_status = serializers.CharField(source="problem.status", read_only=True, allow_null=True, default=None)
    problem_status_label = serializers.CharField(
        source="problem.get_status_display", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = AssistanceLine
        fields = [
            "factor",
            "factor_label",
            "need",
            "done",
            "still_needed",
            "suggested_unit",
            "suggested_unit_name",
            "suggested_due_on",
            "problem",
            "problem_code",
            "problem_status",
            "problem_status_label",
        ]
        read_only_fields = fields


class AssistanceFormSerializer(serializers.ModelSerializer[AssistanceForm]):
    subject_name = serializers.CharField(read_only=True)
    period_label = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    lines = serializers.SerializerMethodField()

    class Meta:
        model = AssistanceForm
        fields = [
            "id",
            "project",
            "enterprise",
            "subject_name",
            "period_kind",
            "period_start",
            "period_label",
            "status",
            "status_label",
            "summary",
            "filled_on",
            "submitted_on",
            "lines",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, form: AssistanceForm) -> list[dict[str, Any]]:
        return list(LineSerializer(selectors.form_lines(form=form), many=True).data)


class LineInputSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    factor = serializers.ChoiceField(label="要素", choices=FACTOR_CHOICES)
    need = serializers.CharField(label="需求", allow_blank=True, required=False, default="", max_length=2000)
    done = serializers.CharField(label="已做工作", allow_blank=True, required=False, default="", max_length=2000)
    still_needed = serializers.CharField(
        label="仍需解决", allow_blank=True, required=False, default="", max_length=2000
    )
    suggested_unit = ScopedPrimaryKeyField(
        label="建议责任单位", model=Unit, scoped=org_selectors.units, required=False, allow_null=True
    )
    suggested_due_on = date_field("建议办结时限", required=False, allow_null=True)


class CreateSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    project = ScopedPrimaryKeyField(
        label="重点项目", model=Project, scoped=selectors.key_projects, required=False, allow_null=True
    )
    enterprise = ScopedPrimaryKeyField(
        label="企业", model=Enterprise, scoped=selectors.enterprises, required=False, allow_null=True
    )
    carry_over = serializers.BooleanField(label="沿用上期仍需解决事项", required=False, default=True)
    summary = serializers.CharField(label="总体情况", allow_blank=True, required=False, default="", max_length=2000)
    lines = LineInputSerializer(label="要素", many=True, required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("project")) == bool(attrs.get("enterprise")):
            raise serializers.ValidationError({"project": ["请选择一个重点项目或一家企业（二者选一）"]})
        factors = [line["factor"] for line in attrs.get("lines", [])]
        if len(factors) != len(set(factors)):
            raise serializers.ValidationError({"lines": ["每个要素只能填写一行"]})
        return attrs


class SubmitSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    version = version_field()


@extend_schema_view(
    list=extend_schema(
        summary="收集表列表（按查看范围）", tags=TAG, responses={200: AssistanceFormSerializer, **errors(400)}
    ),
    retrieve=extend_schema(
        summary="收集表详情（含各要素及转办问题状态）",
        tags=TAG,
        parameters=[ID],
        responses={200: AssistanceFormSerializer, **errors(404)},
    ),
    create=extend_schema(
        summary="新建收集表草稿（可同时填写各要素）",
        tags=TAG,
        request=CreateSerializer,
        responses={201: AssistanceFormSerializer, **errors(400, 403)},
    ),
)
class AssistanceFormViewSet(ApiMixin, viewsets.GenericViewSet[AssistanceForm]):
    """Assistance forms of the key projects and enterprises the caller may see; others answer 404."""

    queryset = AssistanceForm.objects.none()  # for the router and the schema; reads use selectors
    serializer_class = AssistanceFormSerializer
    filterset_class = AssistanceFormFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[AssistanceForm]:
        return selectors.with_lines(selectors.form_list(user=self.request.user)).order_by("-period_start", "-id")

    def respond(self, form: AssistanceForm, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.form_get(user=self.request.user, pk=form.pk)
        return Response(AssistanceFormSerializer(fresh, context={"request": self.request}).data, status=code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(AssistanceFormSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self.respond(selectors.form_get(user=request.user, pk=int(pk)))

    def create(self, request: Request) -> Response:
        if not permissions.can_start(request.user):
            raise PermissionDeniedError("您的角色不能填报帮扶情况收集表")
        serializer = CreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data

        def create() -> AssistanceForm:
            with service_errors(serializer), transaction.atomic():
                by = acting_user(request)
                form = services.form_create(
                    by=by, project=v.get("project"), enterprise=v.get("enterprise"), carry_over=v["carry_over"]
                )
                if v["lines"] or v["summary"]:
                    lines = {
                        line["factor"]: services.LineData(
                            need=line["need"],
                            done=line["done"],
                            still_needed=line["still_needed"],
                            suggested_unit=line.get("suggested_unit"),
                            suggested_due_on=line.get("suggested_due_on"),
                        )
                        for line in v["lines"]
                    }
                    form = services.form_update(
                        form=form, by=by, lines=lines, summary=v["summary"], expected_version=form.version
                    )
                return form

        return create_once(
            request, "assistance.create", create, lambda form: self.respond(form, status.HTTP_201_CREATED)
        )

    @extend_schema(
        summary="提交收集表：每项“仍需解决”转为问题（一次完成，不可重复提交）",
        tags=TAG,
        parameters=[ID],
        request=SubmitSerializer,
        responses={200: AssistanceFormSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        form = selectors.form_get(user=request.user, pk=int(pk))
        if not permissions.can_fill(request.user, form):
            raise PermissionDeniedError("您的角色不能提交该收集表")
        serializer = SubmitSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        with service_errors(serializer):
            services.form_submit(
                form=form, by=acting_user(request), expected_version=serializer.validated_data["version"]
            )
        return self.respond(form)
