"""REST API for 督办单: the scoped list (the same FilterSet as the notices page), detail and the unit's reply.

Reads go through selectors (a notice on a problem outside the caller's scope is 404), the reply
through services.notice_reply (permission, version claim, audit row); this module only translates.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhaoluo.core.api_support import ApiMixin, LabelledErrorsMixin, acting_user, errors, service_errors, version_field
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.problems import permissions as problem_permissions
from zhaoluo.problems import selectors as problem_selectors

from . import selectors, services
from .filters import NoticeFilterSet
from .models import Escalation, Notice

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="督办单 id")
PROBLEM_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="问题 id")
TAG = ["三级督查"]


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    number_text = serializers.CharField(read_only=True, help_text="督办〔年度〕第N号")
    color_label = serializers.CharField(source="get_color_display", read_only=True)
    problem_code = serializers.CharField(source="problem.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Notice
        fields = [
            "id",
            "year",
            "number",
            "number_text",
            "color",
            "color_label",
            "problem",
            "problem_code",
            "unit",
            "unit_name",
            "problem_due_on",
            "overdue_workdays",
            "facts",
            "issued_on",
            "reply_due_on",
            "reply_required",
            "reply_text",
            "replied_on",
            "version",
        ]
        read_only_fields = fields


class ReplySerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    reply_text = serializers.CharField(label="回复内容", allow_blank=True)
    version = version_field()


@extend_schema_view(
    list=extend_schema(summary="督办单列表（按查看范围）", tags=TAG, responses={200: NoticeSerializer, **errors(400)}),
    retrieve=extend_schema(
        summary="督办单详情", tags=TAG, parameters=[ID], responses={200: NoticeSerializer, **errors(404)}
    ),
)
class NoticeViewSet(ApiMixin, viewsets.GenericViewSet[Notice]):
    """督办单 on the problems the caller may see; others answer 404."""

    queryset = Notice.objects.none()  # for the router and the schema; reads use selectors
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Notice]:
        return selectors.notice_list(user=self.request.user)

    def notice(self) -> Notice:
        return selectors.notice_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(NoticeSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(NoticeSerializer(self.notice(), context={"request": request}).data)

    @extend_schema(
        summary="责任单位回复督办单（只能回复一次）",
        tags=TAG,
        parameters=[ID],
        request=ReplySerializer,
        responses={200: NoticeSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        notice = self.notice()
        # Checked before validating the body so that a caller who may not reply learns 403, not 400.
        if not problem_permissions.can_handle(request.user, notice.problem):
            raise PermissionDeniedError("只有责任单位可以回复督办单")
        s = ReplySerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        with service_errors(s):
            services.notice_reply(
                notice=notice,
                by=acting_user(request),
                text=s.validated_data["reply_text"],
                expected_version=s.validated_data["version"],
            )
        return Response(NoticeSerializer(self.notice(), context={"request": request}).data)


class EscalationSerializer(serializers.ModelSerializer[Escalation]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True, allow_null=True, default=None)
    by_name = serializers.CharField(source="by.display_name", read_only=True, allow_null=True, default=None)
    notice: serializers.PrimaryKeyRelatedField[Notice] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, default=None, help_text="随之签发的督办单 id"
    )

    class Meta:
        model = Escalation
        fields = [
            "id",
            "kind",
            "kind_label",
            "from_level",
            "to_level",
            "from_color",
            "to_color",
            "rule",
            "rule_name",
            "by_name",
            "reason",
            "on",
            "overdue_workdays",
            "notice",
        ]
        read_only_fields = fields


class ProblemEscalationsView(ApiMixin, APIView):
    @extend_schema(
        summary="问题的升级、降级记录（按时间）",
        tags=TAG,
        parameters=[PROBLEM_ID],
        responses={200: EscalationSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        problem = problem_selectors.problem_get(user=request.user, pk=pk)
        rows = selectors.ladder_for(problem=problem)["escalations"]
        return Response(EscalationSerializer(rows, many=True).data)
