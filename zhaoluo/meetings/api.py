"""Read-only REST API for meetings: the scoped list (the same FilterSet as the list page) and
the detail with its agenda, attendance and decisions (each with the problem it was handed out as).

Reads go through selectors, so the API sees exactly what the pages see; a meeting outside the
caller's scope is 404. Writes stay on the pages (minutes, decisions) where the forms live.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core import clock
from zhaoluo.core.api_support import ApiMixin, errors

from . import selectors
from .choices import Outcome
from .filters import MeetingFilterSet
from .models import AgendaItem, Attendance, Decision, Meeting

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="会议 id")
TAG = ["会议"]


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    number = serializers.CharField(read_only=True, help_text="会议编号，如〔2021〕3号")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    chair_name = serializers.CharField(source="chair.name", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "number",
            "year",
            "seq",
            "kind",
            "kind_label",
            "title",
            "chair",
            "chair_name",
            "rule",
            "rule_name",
            "period_start",
            "held_on",
            "start_time",
            "place",
            "status",
            "status_label",
            "version",
        ]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer[AgendaItem]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True, allow_null=True, default=None)
    problem_code = serializers.CharField(source="problem.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "position",
            "kind",
            "kind_label",
            "text",
            "project",
            "project_name",
            "problem",
            "problem_code",
            "decision",
        ]
        read_only_fields = fields


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    official_name = serializers.CharField(source="official.name", read_only=True)
    official_title = serializers.CharField(source="official.title", read_only=True)

    class Meta:
        model = Attendance
        fields = ["official", "official_name", "official_title", "present", "absence_reason"]
        read_only_fields = fields
        extra_kwargs = {"present": {"help_text": "null：纪要录入前，尚不知是否出席"}}


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    project_name = serializers.CharField(source="project.name", read_only=True, allow_null=True, default=None)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True, allow_null=True, default=None)
    problem_code = serializers.CharField(source="problem.code", read_only=True, allow_null=True, default=None)
    problem_status = serializers.CharField(source="problem.status", read_only=True, allow_null=True, default=None)
    problem_status_label = serializers.CharField(
        source="problem.get_status_display", read_only=True, allow_null=True, default=None
    )
    problem_due_on = serializers.DateField(source="problem.due_on", read_only=True, allow_null=True, default=None)
    problem_resolved_on = serializers.DateField(
        source="problem.resolved_on", read_only=True, allow_null=True, default=None
    )
    outcome = serializers.SerializerMethodField(help_text="办理结果，取自交办问题")
    outcome_label = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "text",
            "project",
            "project_name",
            "unit",
            "unit_name",
            "owner",
            "owner_name",
            "due_on",
            "problem",
            "problem_code",
            "problem_status",
            "problem_status_label",
            "problem_due_on",
            "problem_resolved_on",
            "outcome",
            "outcome_label",
        ]
        read_only_fields = fields

    def get_outcome(self, decision: Decision) -> str:
        return str(selectors.decision_outcome(decision.problem, clock.today()))

    def get_outcome_label(self, decision: Decision) -> str:
        return str(Outcome(self.get_outcome(decision)).label)


class MeetingDetailSerializer(MeetingSerializer):
    items = AgendaItemSerializer(many=True, read_only=True, help_text="议程，按顺序")
    attendance = AttendanceSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes", "cancel_reason", "items", "attendance", "decisions"]
        read_only_fields = fields


def _with_children(meeting: Meeting) -> Meeting:
    # Three prefetches whatever the agenda's length: the detail's query count stays fixed.
    prefetch_related_objects(
        [meeting],
        Prefetch(
            "items",
            queryset=AgendaItem.objects.select_related("project", "problem").order_by("position", "pk"),
        ),
        Prefetch("attendance", queryset=Attendance.objects.select_related("official").order_by("pk")),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("project", "unit", "owner", "problem").order_by("pk"),
        ),
    )
    return meeting


@extend_schema_view(
    list=extend_schema(
        summary="会议列表（按查看范围，最近的在前）", tags=TAG, responses={200: MeetingSerializer, **errors(400)}
    ),
    retrieve=extend_schema(
        summary="会议详情（议程、参会情况、议定事项及其交办问题）",
        tags=TAG,
        parameters=[ID],
        responses={200: MeetingDetailSerializer, **errors(404)},
    ),
)
class MeetingViewSet(ApiMixin, viewsets.GenericViewSet[Meeting]):
    """Meetings the caller may see (the same scope as the meeting pages); others answer 404."""

    queryset = Meeting.objects.none()  # for the router and the schema; reads use selectors
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meeting_list(user=self.request.user).order_by("-held_on", "-id")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(MeetingSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        meeting = _with_children(selectors.meeting_get(user=request.user, pk=int(pk)))
        return Response(MeetingDetailSerializer(meeting, context={"request": request}).data)
