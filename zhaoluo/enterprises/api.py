"""REST API for the enterprise registry: reads through selectors, writes through services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.chains.models import Cluster
from zhaoluo.core import pi, privacy
from zhaoluo.core.api_support import (
    IDEMPOTENCY_KEY,
    UNMASK_VALUES,
    ApiMixin,
    LabelledErrorsMixin,
    ScopedPrimaryKeyField,
    VersionedMixin,
    acting_user,
    create_once,
    errors,
    service_errors,
    unmask_requested,
    unscoped,
    version_field,
)
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Region

from . import selectors, services
from .filters import EnterpriseFilterSet
from .models import PI_FIELDS, Enterprise

TAG = ["企业"]
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="企业编号")
UNMASK = OpenApiParameter(
    "unmask",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=list(UNMASK_VALUES),
    description="1：返回完整联系人和电话（仅科经局、招商人员及企业本身联系人；每次记入审计日志）；0 或不带：脱敏",
)


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    township_name = serializers.CharField(source="township.name", read_only=True, allow_null=True, label="所属镇街")
    cluster_name = serializers.CharField(source="cluster.name", read_only=True, allow_null=True, label="产业集群")
    listing_display = serializers.CharField(source="get_listing_display", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "district",
            "township",
            "township_name",
            "industry_code",
            "cluster",
            "cluster_name",
            "above_scale",
            "above_scale_since",
            "high_tech",
            "high_tech_since",
            "listing",
            "listing_display",
            "listing_since",
            "products",
            "needs",
            "employees",
            "contact",
            "phone",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Enterprise) -> dict[str, Any]:
        # Contact data is masked unless the view was asked to unmask (and has audited it).
        data: dict[str, Any] = super().to_representation(instance)
        if not self.context.get("unmasked"):
            for name in PI_FIELDS:
                data[name] = pi.mask(pi.key_of(Enterprise, name), data[name])
        return data


class EnterpriseWriteSerializer(LabelledErrorsMixin, serializers.ModelSerializer[Enterprise]):
    township = ScopedPrimaryKeyField(
        model=Region, scoped=org_selectors.townships, label="所属镇街", required=False, allow_null=True
    )
    cluster = ScopedPrimaryKeyField(
        model=Cluster, scoped=unscoped(Cluster.objects.all), label="产业集群", required=False, allow_null=True
    )

    class Meta:
        model = Enterprise
        fields = services.EDITABLE_FIELDS
        # Uniqueness is the service's full_clean: one place, one message.
        extra_kwargs: dict[str, dict[str, Any]] = {"uscc": {"validators": []}, "name": {"validators": []}}

    def validate_uscc(self, value: str) -> str:
        from zhaoluo.core.validators import normalise_uscc, validate_uscc

        value = normalise_uscc(value)
        try:
            validate_uscc(value)
        except Exception as exc:
            raise serializers.ValidationError(list(getattr(exc, "messages", [str(exc)]))) from exc
        return value


class EnterpriseUpdateSerializer(VersionedMixin, EnterpriseWriteSerializer):
    version = version_field()

    class Meta(EnterpriseWriteSerializer.Meta):
        fields = [*services.EDITABLE_FIELDS, "version"]


def _require(user: Any) -> None:
    if getattr(user, "role", None) not in services.MANAGE_ROLES:
        raise PermissionDeniedError("只有科经局和招商人员可以维护企业信息")


@extend_schema_view(
    list=extend_schema(
        summary="企业列表（按查看范围，联系方式默认脱敏）",
        tags=TAG,
        parameters=[UNMASK],
        responses={200: EnterpriseSerializer, **errors(400, 403)},
    ),
    retrieve=extend_schema(
        summary="企业详情（联系方式默认脱敏）",
        tags=TAG,
        parameters=[ID, UNMASK],
        responses={200: EnterpriseSerializer, **errors(403, 404)},
    ),
    create=extend_schema(
        summary="登记企业（科经局、招商人员）",
        tags=TAG,
        parameters=[IDEMPOTENCY_KEY],
        request=EnterpriseWriteSerializer,
        responses={201: EnterpriseSerializer, **errors(400, 403)},
    ),
    partial_update=extend_schema(
        summary="修改企业信息（须带 version）",
        tags=TAG,
        parameters=[ID],
        request=EnterpriseUpdateSerializer,
        responses={200: EnterpriseSerializer, **errors(400, 403, 404, 409)},
    ),
)
class EnterpriseViewSet(ApiMixin, viewsets.GenericViewSet[Enterprise]):
    """Enterprises the caller may see; an enterprise contact sees only their own."""

    queryset = Enterprise.objects.none()  # for the router and the schema; reads use selectors
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Enterprise]:
        return selectors.enterprise_list(user=self.request.user)

    def enterprise(self) -> Enterprise:
        return selectors.enterprise_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def shown(self, enterprises: list[Enterprise]) -> dict[str, Any]:
        """Serializer context: full contact data only on ``?unmask=1``, checked and audited."""
        if not unmask_requested(self.request):
            return {}
        privacy.pi_unmask(user=self.request.user, objects=enterprises, fields=PI_FIELDS, channel="api")
        return {"unmasked": True}

    def list(self, request: Request) -> Response:
        unmask_requested(request)  # a bad value is refused before any work
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        return self.get_paginated_response(EnterpriseSerializer(page, many=True, context=self.shown(page)).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        enterprise = self.enterprise()
        return Response(EnterpriseSerializer(enterprise, context=self.shown([enterprise])).data)

    def create(self, request: Request) -> Response:
        _require(request.user)
        serializer = EnterpriseWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        district = org_selectors.district_of(request.user)
        if district is None:  # pragma: no cover - roles that manage always have a district
            raise PermissionDeniedError("您的账号没有所属区，不能登记企业")

        def create() -> Enterprise:
            with service_errors(serializer):
                return services.enterprise_create(
                    by=acting_user(request), district=district, data=serializer.validated_data
                )

        return create_once(
            request,
            "enterprises.create",
            create,
            lambda e: Response(EnterpriseSerializer(e).data, status=status.HTTP_201_CREATED),
        )

    def partial_update(self, request: Request, pk: str) -> Response:
        enterprise = self.enterprise()
        _require(request.user)
        serializer = EnterpriseUpdateSerializer(data=request.data, context={"request": request}, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        with service_errors(serializer):
            services.enterprise_update(
                enterprise=enterprise, by=acting_user(request), data=data, expected_version=version
            )
        return Response(EnterpriseSerializer(self.enterprise()).data)
