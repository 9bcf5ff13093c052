"""REST API: who am I (role and data scope), and the pickers a client needs to fill forms."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhaoluo.core.api_support import ApiMixin, errors, yes_no
from zhaoluo.enterprises.services import MANAGE_ROLES as ENTERPRISE_MANAGE_ROLES
from zhaoluo.projects.permissions import REPORT_ROLES, can_manage

from . import selectors
from .models import Official, Region, Unit
from .scope import ScopeKind, scope_for

TAG = ["账号与组织"]


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.CharField(help_text="角色代码；空表示未分配角色")
    role_display = serializers.CharField()
    scope = serializers.ChoiceField(choices=[k.value for k in ScopeKind], help_text="数据范围类型")
    district = serializers.IntegerField(allow_null=True)
    district_name = serializers.CharField(allow_null=True)
    township = serializers.IntegerField(allow_null=True)
    unit = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField(allow_null=True)
    official = serializers.IntegerField(allow_null=True)
    enterprise = serializers.IntegerField(allow_null=True)
    can_manage_projects = serializers.BooleanField(help_text="可新建、编辑项目，变更阶段，登记资金")
    can_report_progress = serializers.BooleanField(help_text="可填报进展、维护方案节点")
    can_manage_enterprises = serializers.BooleanField()


def me_data(user: Any) -> dict[str, Any]:
    scope = scope_for(user)
    district = selectors.district_of(user)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": user.display_name,
        "role": user.role,
        "role_display": user.get_role_display() if user.role else "",
        "scope": scope.kind.value,
        "district": district.pk if district else None,
        "district_name": district.name if district else None,
        "township": scope.township_id,
        "unit": user.unit_id,
        "unit_name": user.unit.name if user.unit_id else None,
        "official": user.official_id,
        "enterprise": user.enterprise_id,
        "can_manage_projects": can_manage(user),
        "can_report_progress": user.role in REPORT_ROLES,
        "can_manage_enterprises": user.role in ENTERPRISE_MANAGE_ROLES,
    }


class MeView(ApiMixin, APIView):
    """The caller's account, role and data scope (what lists will contain)."""

    @extend_schema(summary="当前用户：角色与数据范围", tags=TAG, responses={200: MeSerializer, **errors()})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(me_data(request.user)).data)


class OfficialSerializer(serializers.ModelSerializer[Official]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    body_display = serializers.CharField(source="get_body_display", read_only=True)

    class Meta:
        model = Official
        fields = ["id", "name", "title", "rank", "unit", "unit_name", "body", "body_display"]
        read_only_fields = fields


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "kind_display", "region"]
        read_only_fields = fields


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]
        read_only_fields = fields


class OfficialsView(ApiMixin, APIView):
    """包保领导 is `?leaders=1`: the 四大家 leaders a project can be assigned to."""

    @extend_schema(
        summary="干部（选择专班成员、包保领导用）",
        tags=TAG,
        parameters=[
            OpenApiParameter("leaders", OpenApiTypes.BOOL, description="true（或 1）：只列“四大家”领导（包保领导）")
        ],
        responses={200: OfficialSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        wanted = yes_no(request, "leaders", label="只列包保领导")
        rows = (selectors.leaders if wanted else selectors.officials)(user=request.user).select_related("unit")
        return Response(OfficialSerializer(rows, many=True).data)


class UnitsView(ApiMixin, APIView):
    @extend_schema(summary="单位（选择牵头单位用）", tags=TAG, responses={200: UnitSerializer(many=True), **errors()})
    def get(self, request: Request) -> Response:
        return Response(UnitSerializer(selectors.units(user=request.user), many=True).data)


class TownshipsView(ApiMixin, APIView):
    @extend_schema(summary="本区镇街", tags=TAG, responses={200: RegionSerializer(many=True), **errors()})
    def get(self, request: Request) -> Response:
        return Response(RegionSerializer(selectors.townships(user=request.user), many=True).data)
