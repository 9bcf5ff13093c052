"""REST API for approvals: the scoped list (the same FilterSet as the page and the export),
detail, create and update. Reads go through selectors (outside scope: 404), writes through
services (permission, audit, version check: 409 on a stale version)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core import clock
from zhaoluo.core.api_support import (
    IDEMPOTENCY_KEY,
    ApiMixin,
    LabelledErrorsMixin,
    ScopedPrimaryKeyField,
    VersionedMixin,
    acting_user,
    create_once,
    date_field,
    errors,
    service_errors,
    unscoped,
    version_field,
)
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Unit
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.models import Project

from . import permissions, selectors, services
from .choices import Status
from .filters import ApprovalFilterSet
from .models import Approval, ApprovalItem

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="审批事项 id")
TAG = ["审批事项"]


class ApprovalSerializer(serializers.ModelSerializer[Approval]):
    project_name = serializers.CharField(source="project.name", read_only=True)
    green_channel = serializers.BooleanField(source="project.green_channel", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    workdays_elapsed = serializers.SerializerMethodField(help_text="已用工作日（办结的为办理用时）")
    problem_code = serializers.CharField(source="problem.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Approval
        fields = [
            "id",
            "project",
            "project_name",
            "green_channel",
            "item",
            "item_name",
            "department",
            "department_name",
            "status",
            "status_label",
            "submitted_on",
            "decided_on",
            "legal_workdays",
            "limit_workdays",
            "limit_rule",
            "due_on",
            "workdays_taken",
            "workdays_elapsed",
            "is_late",
            "problem",
            "problem_code",
            "note",
            "version",
        ]
        read_only_fields = fields

    def get_workdays_elapsed(self, approval: Approval) -> int | None:
        return services.workdays_elapsed(approval, clock.today())


class _Dates(LabelledErrorsMixin, serializers.Serializer[Any]):
    department = ScopedPrimaryKeyField(
        label="办理部门", model=Unit, scoped=org_selectors.units, required=False, allow_null=True
    )
    status = serializers.ChoiceField(label="状态", choices=Status.choices, required=False, allow_blank=True)
    submitted_on = date_field("申报（受理）日期", required=False, allow_null=True)
    decided_on = date_field("办结日期", required=False, allow_null=True)
    note = serializers.CharField(label="备注", allow_blank=True, required=False, max_length=2000)


class ApprovalCreateSerializer(_Dates):
    project = ScopedPrimaryKeyField(label="项目", model=Project, scoped=project_selectors.project_list)
    item = ScopedPrimaryKeyField(
        label="审批事项", model=ApprovalItem, scoped=unscoped(lambda: ApprovalItem.objects.filter(is_active=True))
    )


class ApprovalUpdateSerializer(VersionedMixin, _Dates):
    version = version_field()


@extend_schema_view(
    list=extend_schema(
        summary="审批事项列表（按查看范围，绿色通道项目在前）",
        tags=TAG,
        responses={200: ApprovalSerializer, **errors(400)},
    ),
    retrieve=extend_schema(
        summary="审批事项详情", tags=TAG, parameters=[ID], responses={200: ApprovalSerializer, **errors(404)}
    ),
    create=extend_schema(
        summary="登记审批事项（超时的自动生成问题）",
        tags=TAG,
        parameters=[IDEMPOTENCY_KEY],
        request=ApprovalCreateSerializer,
        responses={201: ApprovalSerializer, **errors(400, 403)},
    ),
    partial_update=extend_schema(
        summary="修改审批事项（须带 version）",
        tags=TAG,
        parameters=[ID],
        request=ApprovalUpdateSerializer,
        responses={200: ApprovalSerializer, **errors(400, 403, 404, 409)},
    ),
)
class ApprovalViewSet(ApiMixin, viewsets.GenericViewSet[Approval]):
    """Approvals the caller may see; others answer 404."""

    queryset = Approval.objects.none()  # for the router and the schema; reads use selectors
    serializer_class = ApprovalSerializer
    filterset_class = ApprovalFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Approval]:
        return selectors.approval_list(user=self.request.user)

    def respond(self, approval: Approval, http_status: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.approval_get(user=self.request.user, pk=approval.pk)
        return Response(ApprovalSerializer(fresh, context={"request": self.request}).data, status=http_status)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ApprovalSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        approval = selectors.approval_get(user=request.user, pk=int(pk))
        return Response(ApprovalSerializer(approval, context={"request": request}).data)

    def create(self, request: Request) -> Response:
        if not permissions.can_record(request.user):
            raise PermissionDeniedError("只有本区招商人员可以登记项目审批事项")
        serializer = ApprovalCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data

        def create() -> Approval:
            with service_errors(serializer):
                return services.approval_record(
                    by=acting_user(request),
                    project=v["project"],
                    item=v["item"],
                    department=v.get("department"),
                    status=v.get("status") or None,
                    submitted_on=v.get("submitted_on"),
                    decided_on=v.get("decided_on"),
                    note=v.get("note", ""),
                )

        return create_once(request, "approvals.create", create, lambda a: self.respond(a, status.HTTP_201_CREATED))

    def partial_update(self, request: Request, pk: str) -> Response:
        approval = selectors.approval_get(user=request.user, pk=int(pk))
        if not permissions.can_update(request.user, approval):
            raise PermissionDeniedError("只有招商人员或该事项的办理部门可以修改审批事项")
        serializer = ApprovalUpdateSerializer(data=request.data, context={"request": request}, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        if "status" in data and not data["status"]:
            data["status"] = services.derive_status(
                submitted_on=data.get("submitted_on", approval.submitted_on),
                decided_on=data.get("decided_on", approval.decided_on),
            )
        with service_errors(serializer):
            services.approval_update(approval=approval, by=acting_user(request), expected_version=version, **data)
        return self.respond(approval)
