"""REST API of 百名干部进百企: pairings (list, detail, create, end), visits (list, detail, record),
flags (list) and the flag rules; scoped like the pages (selectors), writes through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core.api_support import (
    ApiMixin,
    LabelledErrorsMixin,
    acting_user,
    create_once,
    errors,
    service_errors,
    version_field,
)
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.models import Official
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.problems.choices import Category

from . import selectors, services
from .choices import VisitMode
from .filters import FlagFilterSet, PairingFilterSet, PoolMembershipFilterSet, VisitFilterSet
from .instrument import QUESTIONS
from .models import Pairing, PoolMembership, Visit, VisitFlag
from .permissions import can_organise

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="记录 id")
TAG = ["百名干部进百企"]


class PairingSerializer(serializers.ModelSerializer[Pairing]):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Pairing
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "enterprise",
            "enterprise_name",
            "since",
            "until",
            "end_reason",
            "version",
        ]
        read_only_fields = fields


class PairingCreateSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    cadre = serializers.PrimaryKeyRelatedField(label="包联干部", queryset=Official.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(label="企业", queryset=Enterprise.objects.all())
    since = serializers.DateField(label="起始日期", required=False, allow_null=True)
    until = serializers.DateField(label="结束日期", required=False, allow_null=True)


class PairingEndSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    until = serializers.DateField(label="结束日期")
    reason = serializers.CharField(label="结束原因", required=False, allow_blank=True, max_length=200)
    version = version_field()


class FlagSerializer(serializers.ModelSerializer[VisitFlag]):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    enterprise = serializers.IntegerField(source="visit.enterprise_id", read_only=True)
    visited_on = serializers.DateField(source="visit.visited_on", read_only=True)

    class Meta:
        model = VisitFlag
        fields = ["id", "visit", "enterprise", "visited_on", "rule_code", "rule_name", "message"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer[Visit]):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    flags = FlagSerializer(many=True, read_only=True)
    needs = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "cadre",
            "cadre_name",
            "visited_on",
            "mode",
            "mode_label",
            "participants",
            "answers",
            "notes",
            "flags",
            "needs",
        ]
        read_only_fields = fields

    def get_needs(self, visit: Visit) -> list[dict[str, Any]]:
        return [
            {"id": n.pk, "description": n.description, "category": n.category, "problem": n.problem_id}
            for n in visit.needs.all()
        ]


class NeedSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(label="需求描述")
    category = serializers.ChoiceField(label="类别", choices=Category.choices, default=Category.OTHER)


class VisitCreateSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    enterprise = serializers.PrimaryKeyRelatedField(label="企业", queryset=Enterprise.objects.all())
    visited_on = serializers.DateField(label="走访日期")
    mode = serializers.ChoiceField(label="走访方式", choices=VisitMode.choices)
    participants = serializers.CharField(label="参加人员", required=False, allow_blank=True, max_length=200)
    answers = serializers.DictField(
        label="走访问卷", required=False, help_text="题目键：" + "、".join(f"{q.key}（{q.label}）" for q in QUESTIONS)
    )
    notes = serializers.CharField(label="走访情况", required=False, allow_blank=True)
    needs = NeedSerializer(label="企业需求", many=True, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="包联关系列表（按查看范围）", tags=TAG, responses={200: PairingSerializer, **errors(400)}
    ),
    retrieve=extend_schema(
        summary="包联关系详情", tags=TAG, parameters=[ID], responses={200: PairingSerializer, **errors(404)}
    ),
    create=extend_schema(
        summary="安排包联（科经局）",
        tags=TAG,
        request=PairingCreateSerializer,
        responses={201: PairingSerializer, **errors(400, 403)},
    ),
)
class PairingViewSet(ApiMixin, viewsets.GenericViewSet[Pairing]):
    queryset = Pairing.objects.none()
    serializer_class = PairingSerializer
    filterset_class = PairingFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Pairing]:
        return selectors.pairing_list(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(PairingSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PairingSerializer(selectors.pairing_get(user=request.user, pk=int(pk))).data)

    def create(self, request: Request) -> Response:
        if not can_organise(request.user):
            raise PermissionDeniedError("只有组织单位（科经局）可以安排包联")
        s = PairingCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)

        def make() -> Pairing:
            with service_errors(s):
                return services.pairing_create(by=acting_user(request), **s.validated_data)

        return create_once(
            request,
            "service.pairing",
            make,
            lambda p: Response(PairingSerializer(p).data, status=status.HTTP_201_CREATED),
        )

    @extend_schema(
        summary="结束包联（科经局）",
        tags=TAG,
        parameters=[ID],
        request=PairingEndSerializer,
        responses={200: PairingSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        pairing = selectors.pairing_get(user=request.user, pk=int(pk))
        if not can_organise(request.user):
            raise PermissionDeniedError("只有组织单位（科经局）可以结束包联")
        s = PairingEndSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        with service_errors(s):
            services.pairing_end(
                pairing=pairing,
                by=acting_user(request),
                until=s.validated_data["until"],
                reason=s.validated_data.get("reason", ""),
                expected_version=s.validated_data["version"],
            )
        return Response(PairingSerializer(selectors.pairing_get(user=request.user, pk=int(pk))).data)


@extend_schema_view(
    list=extend_schema(summary="走访记录列表（按查看范围）", tags=TAG, responses={200: VisitSerializer, **errors(400)}),
    retrieve=extend_schema(
        summary="走访记录详情", tags=TAG, parameters=[ID], responses={200: VisitSerializer, **errors(404)}
    ),
    create=extend_schema(
        summary="记录走访（包联干部；问卷答案按规则生成预警）",
        tags=TAG,
        request=VisitCreateSerializer,
        responses={201: VisitSerializer, **errors(400, 403)},
    ),
)
class VisitViewSet(ApiMixin, viewsets.GenericViewSet[Visit]):
    queryset = Visit.objects.none()
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Visit]:
        return selectors.visit_list(user=self.request.user).prefetch_related("flags__rule", "needs")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(VisitSerializer(selectors.visit_get(user=request.user, pk=int(pk))).data)

    def create(self, request: Request) -> Response:
        s = VisitCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        data = s.validated_data
        enterprise = selectors.service_enterprises(user=request.user).filter(pk=data["enterprise"].pk).first()
        if enterprise is None:
            raise serializers.ValidationError({"enterprise": ["企业：不存在或不在您的查看范围内"]})

        def make() -> Visit:
            with service_errors(s, rename={f"answers.{q.key}": "answers" for q in QUESTIONS}):
                return services.visit_record(
                    by=acting_user(request),
                    enterprise=enterprise,
                    visited_on=data["visited_on"],
                    mode=data["mode"],
                    participants=data.get("participants", ""),
                    answers=data.get("answers") or {},
                    notes=data.get("notes", ""),
                    needs=[(n["description"], n["category"]) for n in data.get("needs", [])],
                )

        return create_once(
            request, "service.visit", make, lambda v: Response(VisitSerializer(v).data, status=status.HTTP_201_CREATED)
        )


@extend_schema_view(
    list=extend_schema(
        summary="走访预警列表（每项注明触发的规则）", tags=TAG, responses={200: FlagSerializer, **errors(400)}
    ),
)
class FlagViewSet(ApiMixin, viewsets.GenericViewSet[VisitFlag]):
    queryset = VisitFlag.objects.none()
    serializer_class = FlagSerializer
    filterset_class = FlagFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[VisitFlag]:
        return selectors.flag_list(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(FlagSerializer(page, many=True).data)


class PoolMembershipSerializer(serializers.ModelSerializer[PoolMembership]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    pool_label = serializers.CharField(source="get_pool_display", read_only=True)
    listing_stage_label = serializers.CharField(source="get_listing_stage_display", read_only=True)

    class Meta:
        model = PoolMembership
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "enterprise_uscc",
            "pool",
            "pool_label",
            "entered_on",
            "reason",
            "left_on",
            "left_reason",
            "listing_stage",
            "listing_stage_label",
            "certificate_expires_on",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="企业库成员（规上、高企、专精特新、上市后备、已上市；含入库、出库及原因）",
        tags=TAG,
        responses={200: PoolMembershipSerializer, **errors(400, 403)},
    ),
)
class PoolMembershipViewSet(ApiMixin, viewsets.GenericViewSet[PoolMembership]):
    """The pools page's records: like the page, for the district-wide roles only."""

    queryset = PoolMembership.objects.none()
    serializer_class = PoolMembershipSerializer
    filterset_class = PoolMembershipFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[PoolMembership]:
        return selectors.pool_memberships(user=self.request.user).order_by("pool", "-entered_on", "pk")

    def list(self, request: Request) -> Response:
        if scope_for(request.user).kind is not ScopeKind.DISTRICT:
            raise PermissionDeniedError("只有区级部门可以查看企业库")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(PoolMembershipSerializer(page, many=True).data)
