"""REST API for problems: the scoped list (the same FilterSet as the 三个清单), detail and the loop's moves.

Reads go through selectors (a problem outside the caller's scope is 404), moves through
services (permission, conditional status update, audit row); this module only translates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core import clock
from zhaoluo.core.api_support import (
    ApiMixin,
    LabelledErrorsMixin,
    ScopedPrimaryKeyField,
    acting_user,
    date_field,
    errors,
    service_errors,
    version_field,
)
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Official, Unit

from . import permissions, selectors, services
from .choices import Satisfaction
from .filters import ProblemFilterSet
from .models import Problem

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="问题 id")
TAG = ["问题"]


class ProblemSerializer(serializers.ModelSerializer[Problem]):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    origin_label = serializers.CharField(source="get_origin_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)
    owner_name = serializers.CharField(source="owner.name", read_only=True, allow_null=True, default=None)
    overdue_workdays = serializers.SerializerMethodField(help_text="未办结且超过时限的工作日数")

    class Meta:
        model = Problem
        fields = [
            "id",
            "code",
            "description",
            "category",
            "category_label",
            "origin",
            "origin_label",
            "project",
            "enterprise",
            "origin_note",
            "unit",
            "unit_name",
            "co_units",
            "owner",
            "owner_name",
            "raised_on",
            "due_on",
            "resolved_on",
            "closed_on",
            "status",
            "status_label",
            "handling_note",
            "return_reason",
            "satisfaction",
            "overdue_workdays",
            "version",
        ]
        read_only_fields = fields

    def get_overdue_workdays(self, problem: Problem) -> int:
        return services.workdays_overdue(problem, clock.today())


class AssignSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    unit = ScopedPrimaryKeyField(label="责任单位", model=Unit, scoped=org_selectors.units)
    owner = ScopedPrimaryKeyField(
        label="责任人", model=Official, scoped=org_selectors.officials, required=False, allow_null=True
    )
    co_units = ScopedPrimaryKeyField(
        label="协办单位", model=Unit, scoped=org_selectors.units, many=True, required=False
    )
    due_on = date_field("办结时限", required=False, allow_null=True)
    workdays = serializers.IntegerField(label="办理工作日数", min_value=1, max_value=250, required=False)
    note = serializers.CharField(label="交办意见", allow_blank=True, required=False, default="")
    version = version_field()


class NoteSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    note = serializers.CharField(label="说明", allow_blank=True, required=False, default="")
    version = version_field()


class ResolveSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    handling_note = serializers.CharField(label="办理情况", allow_blank=True)
    resolved_on = date_field("办结日期", required=False, allow_null=True)
    version = version_field()


class ReturnSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    reason = serializers.CharField(label="退回原因", allow_blank=True)
    version = version_field()


class RateSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    satisfaction = serializers.ChoiceField(label="满意度", choices=Satisfaction.choices)
    note = serializers.CharField(label="说明", allow_blank=True, required=False, default="")
    version = version_field()


def _move(summary: str, body: type[serializers.Serializer[Any]]) -> Callable[[Any], Any]:
    return extend_schema(
        summary=summary,
        tags=TAG,
        parameters=[ID],
        request=body,
        responses={200: ProblemSerializer, **errors(400, 403, 404, 409)},
    )


@extend_schema_view(
    list=extend_schema(summary="问题列表（按查看范围）", tags=TAG, responses={200: ProblemSerializer, **errors(400)}),
    retrieve=extend_schema(
        summary="问题详情", tags=TAG, parameters=[ID], responses={200: ProblemSerializer, **errors(404)}
    ),
)
class ProblemViewSet(ApiMixin, viewsets.GenericViewSet[Problem]):
    """Problems the caller may see (same scope as the 三个清单); others answer 404."""

    queryset = Problem.objects.none()  # for the router and the schema; reads use selectors
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Problem]:
        return selectors.problem_list(user=self.request.user).prefetch_related("co_units").order_by("-raised_on", "-id")

    def problem(self) -> Problem:
        return selectors.problem_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def done(self, problem: Problem) -> Response:
        fresh = selectors.problem_get(user=self.request.user, pk=problem.pk)
        return Response(ProblemSerializer(fresh, context={"request": self.request}).data, status=status.HTTP_200_OK)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProblemSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ProblemSerializer(self.problem(), context={"request": request}).data)

    def _valid(self, serializer_class: type[serializers.Serializer[Any]], allowed: bool, denied: str) -> Any:
        if not allowed:
            raise PermissionDeniedError(denied)
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer

    @_move("交办（责任单位、时限）", AssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        problem = self.problem()
        s = self._valid(AssignSerializer, permissions.can_assign(request.user, problem), "您的角色不能交办该问题")
        v = s.validated_data
        with service_errors(s):
            services.problem_assign(
                problem=problem,
                by=acting_user(request),
                unit=v["unit"],
                owner=v.get("owner"),
                co_units=v.get("co_units", []),
                due_on=v.get("due_on"),
                workdays=v.get("workdays"),
                note=v["note"],
                expected_version=v["version"],
            )
        return self.done(problem)

    @_move("开始办理", NoteSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        problem = self.problem()
        s = self._valid(NoteSerializer, permissions.can_handle(request.user, problem), "只有责任单位或责任人可以办理")
        with service_errors(s):
            services.problem_start(
                problem=problem,
                by=acting_user(request),
                note=s.validated_data["note"],
                expected_version=s.validated_data["version"],
            )
        return self.done(problem)

    @_move("办结（须填办理情况）", ResolveSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        problem = self.problem()
        s = self._valid(
            ResolveSerializer, permissions.can_handle(request.user, problem), "只有责任单位或责任人可以办结"
        )
        v = s.validated_data
        with service_errors(s):
            services.problem_resolve(
                problem=problem,
                by=acting_user(request),
                handling_note=v["handling_note"],
                resolved_on=v.get("resolved_on"),
                expected_version=v["version"],
            )
        return self.done(problem)

    @_move("退回重办（须填原因）", ReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str) -> Response:
        problem = self.problem()
        s = self._valid(ReturnSerializer, permissions.can_confirm(request.user, problem), "只有提出人可以退回")
        v = s.validated_data
        with service_errors(s):
            services.problem_return(
                problem=problem, by=acting_user(request), reason=v["reason"], expected_version=v["version"]
            )
        return self.done(problem)

    @_move("销号（提出人确认）", NoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        problem = self.problem()
        s = self._valid(NoteSerializer, permissions.can_confirm(request.user, problem), "只有提出人或督查室可以销号")
        v = s.validated_data
        with service_errors(s):
            services.problem_close(
                problem=problem, by=acting_user(request), note=v["note"], expected_version=v["version"]
            )
        return self.done(problem)

    @_move("满意度评价（不满意则重新办理）", RateSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        problem = self.problem()
        s = self._valid(RateSerializer, permissions.can_confirm(request.user, problem), "只有提出人可以评价")
        v = s.validated_data
        with service_errors(s):
            services.problem_rate(
                problem=problem,
                by=acting_user(request),
                satisfaction=v["satisfaction"],
                note=v["note"],
                expected_version=v["version"],
            )
        return self.done(problem)
