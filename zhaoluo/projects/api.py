"""REST API for projects, their stages, 专班, plan, progress, funds and timeline.

Reads go through selectors (a project outside the caller's scope is 404), writes through
services (audit rows, optimistic lock, permission checks); this module only translates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core.api_support import IDEMPOTENCY_KEY, ApiMixin, acting_user, create_once, errors, service_errors
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs.selectors import district_of

from . import selectors, services
from .filters import FundFilterSet, ProjectFilterSet
from .models import FundArrival, Milestone, ProgressReport, Project
from .permissions import require_manage, require_report
from .serializers import (
    AdvanceSerializer,
    FundInputSerializer,
    FundSerializer,
    MilestoneCreateSerializer,
    MilestoneDeleteSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
    ProgressInputSerializer,
    ProgressReportSerializer,
    ProjectCreateSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ReopenSerializer,
    StageTransitionSerializer,
    TaskForceInputSerializer,
    TaskForceMemberSerializer,
    TerminateSerializer,
    TimelineEventSerializer,
)

UPLOAD_PARSERS = [JSONParser, MultiPartParser, FormParser]
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="项目编号")
PROJECT_TAG = ["项目"]


def with_list_relations(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """What a list row shows, in a fixed number of queries however long the page."""
    return queryset.select_related("district", "enterprise", "chain_link__chain").prefetch_related(
        "task_force", "milestones"
    )


def _validated(serializer_class: type[Any], request: Request, **kwargs: Any) -> Any:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


@extend_schema_view(
    list=extend_schema(
        summary="项目列表（按查看范围）", tags=PROJECT_TAG, responses={200: ProjectSerializer, **errors(400)}
    ),
    retrieve=extend_schema(
        summary="项目详情", tags=PROJECT_TAG, parameters=[ID], responses={200: ProjectDetailSerializer, **errors(404)}
    ),
    create=extend_schema(
        summary="新建项目（招商人员）",
        tags=PROJECT_TAG,
        parameters=[IDEMPOTENCY_KEY],
        request=ProjectCreateSerializer,
        responses={201: ProjectDetailSerializer, **errors(400, 403)},
    ),
    partial_update=extend_schema(
        summary="修改项目（须带 version）",
        tags=PROJECT_TAG,
        parameters=[ID],
        request=ProjectUpdateSerializer,
        responses={200: ProjectDetailSerializer, **errors(400, 403, 404, 409)},
    ),
)
class ProjectViewSet(ApiMixin, viewsets.GenericViewSet[Project]):
    """Projects the caller may see (same scope as the web pages); others answer 404."""

    queryset = Project.objects.none()  # for the router and the schema; reads use selectors
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Project]:
        return with_list_relations(selectors.project_list(user=self.request.user))

    def project(self) -> Project:
        return selectors.project_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def detail_response(self, project: Project, http_status: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.project_get(user=self.request.user, pk=project.pk)
        return Response(ProjectDetailSerializer(fresh, context={"request": self.request}).data, status=http_status)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProjectSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ProjectDetailSerializer(self.project(), context={"request": request}).data)

    def create(self, request: Request) -> Response:
        require_manage(request.user)
        serializer = _validated(ProjectCreateSerializer, request)
        data = dict(serializer.validated_data)
        stage = data.pop("stage", None)
        district = district_of(request.user)
        if district is None:  # pragma: no cover - require_manage passes only users of a district
            raise PermissionDeniedError("您的账号没有所属区，不能新建项目")

        def create() -> Project:
            with service_errors(serializer):
                return services.project_create(
                    by=acting_user(request),
                    district=district,
                    data=data,
                    stage_data={"stage": stage} if stage else None,
                )

        return create_once(
            request, "projects.create", create, lambda p: self.detail_response(p, status.HTTP_201_CREATED)
        )

    def partial_update(self, request: Request, pk: str) -> Response:
        project = self.project()
        require_manage(request.user, project)
        serializer = _validated(ProjectUpdateSerializer, request, partial=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        with service_errors(serializer):
            services.project_update(project=project, by=acting_user(request), data=data, expected_version=version)
        return self.detail_response(project)

    # ------------------------------------------------------------ stages

    @extend_schema(
        summary="推进到下一阶段",
        tags=PROJECT_TAG,
        parameters=[ID],
        request={"application/json": AdvanceSerializer, "multipart/form-data": AdvanceSerializer},
        responses={200: ProjectDetailSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def advance(self, request: Request, pk: str) -> Response:
        project = self.project()
        require_manage(request.user, project)
        serializer = _validated(AdvanceSerializer, request)
        v = serializer.validated_data
        with service_errors(serializer):
            services.project_advance_stage(
                project=project,
                to=v["to"],
                on=v["on"],
                by=acting_user(request),
                note=v["note"],
                evidence=v.get("evidence"),
                expected_version=v["version"],
            )
        return self.detail_response(project)

    @extend_schema(
        summary="终止项目（须填原因）",
        tags=PROJECT_TAG,
        parameters=[ID],
        request={"application/json": TerminateSerializer, "multipart/form-data": TerminateSerializer},
        responses={200: ProjectDetailSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def terminate(self, request: Request, pk: str) -> Response:
        project = self.project()
        require_manage(request.user, project)
        serializer = _validated(TerminateSerializer, request)
        v = serializer.validated_data
        with service_errors(serializer):
            services.project_terminate(
                project=project,
                on=v["on"],
                reason=v["reason"],
                by=acting_user(request),
                evidence=v.get("evidence"),
                expected_version=v["version"],
            )
        return self.detail_response(project)

    @extend_schema(
        summary="重启已终止的项目",
        tags=PROJECT_TAG,
        parameters=[ID],
        request=ReopenSerializer,
        responses={200: ProjectDetailSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        project = self.project()
        require_manage(request.user, project)
        serializer = _validated(ReopenSerializer, request)
        v = serializer.validated_data
        with service_errors(serializer):
            services.project_reopen(
                project=project,
                on=v["on"],
                reason=v["reason"],
                by=acting_user(request),
                expected_version=v["version"],
            )
        return self.detail_response(project)

    @extend_schema(
        summary="阶段变更记录",
        tags=PROJECT_TAG,
        parameters=[ID],
        responses={200: StageTransitionSerializer(many=True), **errors(404)},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def transitions(self, request: Request, pk: str) -> Response:
        project = self.project()
        transitions = StageTransitionSerializer(project.transitions.all(), many=True, context={"request": request})
        return Response(transitions.data)

    # ------------------------------------------------------------ 专班

    @extend_schema(
        methods=["GET"],
        summary="专班成员",
        tags=PROJECT_TAG,
        parameters=[ID],
        responses={200: TaskForceMemberSerializer(many=True), **errors(404)},
    )
    @extend_schema(
        methods=["PUT"],
        summary="设置专班（整体替换，须带项目 version）",
        tags=PROJECT_TAG,
        parameters=[ID],
        request=TaskForceInputSerializer,
        responses={200: TaskForceMemberSerializer(many=True), **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "put"], url_path="task-force", filterset_class=None, pagination_class=None)
    def task_force(self, request: Request, pk: str) -> Response:
        project = self.project()
        if request.method == "PUT":
            require_manage(request.user, project)
            serializer = _validated(TaskForceInputSerializer, request)
            v = serializer.validated_data
            members = [services.MemberSpec(m["official"], m["is_lead"], m["duty"]) for m in v["members"]]
            with service_errors(serializer):
                services.task_force_set(
                    project=project, by=acting_user(request), members=members, expected_version=v["version"]
                )
            project = self.project()
        return Response(TaskForceMemberSerializer(project.task_force.all(), many=True).data)

    # ------------------------------------------------------------ plan

    @extend_schema(
        methods=["GET"],
        summary="方案节点",
        tags=PROJECT_TAG,
        parameters=[ID],
        responses={200: MilestoneSerializer(many=True), **errors(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="新增方案节点",
        tags=PROJECT_TAG,
        parameters=[ID, IDEMPOTENCY_KEY],
        request=MilestoneCreateSerializer,
        responses={201: MilestoneSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def milestones(self, request: Request, pk: str) -> Response:
        project = self.project()
        if request.method == "GET":
            return Response(MilestoneSerializer(project.milestones.all(), many=True).data)
        require_report(request.user, project)
        serializer = _validated(MilestoneCreateSerializer, request)

        def create() -> Milestone:
            with service_errors(serializer, rename={"non_field_errors": "name"}):
                return services.milestone_create(project=project, by=acting_user(request), **serializer.validated_data)

        return create_once(
            request,
            "projects.milestone_create",
            create,
            lambda m: Response(MilestoneSerializer(m).data, status=status.HTTP_201_CREATED),
        )

    # ------------------------------------------------------------ progress

    @extend_schema(
        methods=["GET"],
        summary="月度进展",
        tags=PROJECT_TAG,
        parameters=[ID],
        responses={200: ProgressReportSerializer(many=True), **errors(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="填报月度进展（同月再报即更正；可附照片）",
        tags=PROJECT_TAG,
        parameters=[ID, IDEMPOTENCY_KEY],
        request={"multipart/form-data": ProgressInputSerializer, "application/json": ProgressInputSerializer},
        responses={201: ProgressReportSerializer, **errors(400, 403, 404)},
    )
    @action(
        detail=True, methods=["get", "post"], parser_classes=UPLOAD_PARSERS, filterset_class=None, pagination_class=None
    )
    def progress(self, request: Request, pk: str) -> Response:
        project = self.project()
        if request.method == "GET":
            reports = list(project.progress_reports.all())
            prefetch_related_objects(reports, "reported_by__official")
            return Response(ProgressReportSerializer(reports, many=True, context={"request": request}).data)
        require_report(request.user, project)
        serializer = _validated(ProgressInputSerializer, request)

        def create() -> ProgressReport:
            with service_errors(serializer):
                return services.progress_record(project=project, by=acting_user(request), **serializer.validated_data)

        return create_once(
            request,
            "projects.progress",
            create,
            lambda r: Response(
                ProgressReportSerializer(r, context={"request": request}).data, status=status.HTTP_201_CREATED
            ),
        )

    # ------------------------------------------------------------ timeline

    @extend_schema(
        summary="项目时间线（阶段、节点、进展、资金、专班…，新的在前）",
        tags=PROJECT_TAG,
        parameters=[ID],
        responses={200: TimelineEventSerializer(many=True), **errors(404)},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def timeline(self, request: Request, pk: str) -> Response:
        project = self.project()
        page = self.paginate_queryset(selectors.project_timeline(project=project))  # type: ignore[arg-type]
        return self.get_paginated_response(TimelineEventSerializer(page, many=True).data)  # type: ignore[arg-type]


# ---------------------------------------------------------------- milestones


MILESTONE_TAG = ["方案节点"]
MILESTONE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="节点编号")


@extend_schema_view(
    retrieve=extend_schema(
        summary="方案节点详情",
        tags=MILESTONE_TAG,
        parameters=[MILESTONE_ID],
        responses={200: MilestoneSerializer, **errors(404)},
    ),
    partial_update=extend_schema(
        summary="修改方案节点（须带 version；填实际完成日期即完成）",
        tags=MILESTONE_TAG,
        parameters=[MILESTONE_ID],
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer, **errors(400, 403, 404, 409)},
    ),
    destroy=extend_schema(
        summary="删除方案节点（须带 version）",
        description=(
            '带上读取时得到的 version：查询参数 `?version=N`，或 JSON 请求体 `{"version": N}`。'
            "缺少 version 返回 400；节点已被他人修改返回 409，节点保留。"
        ),
        tags=MILESTONE_TAG,
        parameters=[
            MILESTONE_ID,
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=False,
                description="读取时得到的 version（也可放在 JSON 请求体中）",
            ),
        ],
        responses={204: None, **errors(400, 403, 404, 409)},
    ),
)
class MilestoneViewSet(ApiMixin, viewsets.GenericViewSet[Milestone]):
    """Milestones of the projects the caller may see; create them under /api/projects/{id}/milestones/."""

    queryset = Milestone.objects.none()
    serializer_class = MilestoneSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def milestone(self) -> Milestone:
        return selectors.milestone_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MilestoneSerializer(self.milestone()).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        milestone = self.milestone()
        require_report(request.user, milestone.project)
        serializer = _validated(MilestoneUpdateSerializer, request, partial=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        with service_errors(serializer, rename={"non_field_errors": "name"}):
            services.milestone_update(milestone=milestone, by=acting_user(request), data=data, expected_version=version)
        return Response(MilestoneSerializer(self.milestone()).data)

    def destroy(self, request: Request, pk: str) -> Response:
        milestone = self.milestone()
        require_report(request.user, milestone.project)
        serializer = MilestoneDeleteSerializer(data=_delete_version(request), context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.milestone_delete(
            milestone=milestone, by=acting_user(request), expected_version=serializer.validated_data["version"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _delete_version(request: Request) -> dict[str, Any]:
    """A DELETE's version: the query parameter, else the JSON body's."""
    if "version" in request.query_params:
        return {"version": request.query_params["version"]}
    body = request.data if isinstance(request.data, Mapping) else {}
    return {"version": body["version"]} if "version" in body else {}


# ---------------------------------------------------------------- funds


FUND_TAG = ["资金到位"]


@extend_schema_view(
    list=extend_schema(
        summary="实际到位资金（按查看范围）", tags=FUND_TAG, responses={200: FundSerializer, **errors(400)}
    ),
    create=extend_schema(
        summary="登记到位资金（同项目、月份、来源再登记即更正）",
        tags=FUND_TAG,
        parameters=[IDEMPOTENCY_KEY],
        request=FundInputSerializer,
        responses={201: FundSerializer, 200: FundSerializer, **errors(400, 403)},
    ),
)
class FundViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet[FundArrival]):
    """实际到位资金 of the projects the caller may see, in 万元 (decimal strings)."""

    queryset = FundArrival.objects.none()
    serializer_class = FundSerializer
    filterset_class = FundFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[FundArrival]:
        return selectors.fund_list(user=self.request.user).order_by("-period", "id")

    def create(self, request: Request) -> Response:
        require_manage(request.user)
        serializer = _validated(FundInputSerializer, request)
        v = serializer.validated_data
        project = v["project"]
        month = v["period"].replace(day=1)
        existed = self.get_queryset().filter(project=project, period=month, origin=v["origin"]).exists()

        def create() -> FundArrival:
            with service_errors(serializer):
                return services.fund_record(
                    project=project, by=acting_user(request), period=v["period"], amount=v["amount"], origin=v["origin"]
                )

        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return create_once(request, "projects.funds", create, lambda f: Response(FundSerializer(f).data, status=code))
