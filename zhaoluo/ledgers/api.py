"""REST API for ledgers: `POST /api/ledgers/{kind}/` imports, `GET …/export` exports.

A rejected import answers HTTP 422 with the contract's body: a JSON list of
`{row, column, value, message}` (shared/LEDGERS.md) — the one response that is not the
`{"error": …}` shape, because outside tools depend on it. A file refused as a whole (size,
zip bomb, macros, wrong type) is a 400 in the usual error shape.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhaoluo.core import ratelimit
from zhaoluo.core.api_support import UNMASK_VALUES, ApiMixin, acting_user, errors, unmask_requested
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs.selectors import district_of

from . import services, spec
from .files import spool
from .views import XLSX_TYPE, _xlsx_response

TAG = ["台账"]
KIND = OpenApiParameter(
    "kind", OpenApiTypes.STR, OpenApiParameter.PATH, description="enterprises / projects / funds / indicators …"
)


class ImportInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(label="台账文件", help_text=".xlsx 或 .csv（UTF-8 或 GBK）")
    dry_run = serializers.BooleanField(label="只校验不写入", required=False, default=False)
    strict = serializers.BooleanField(label="严格模式", required=False, default=False)


class LedgerRowErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(help_text="Excel 中看到的行号（含表头）")
    column = serializers.CharField(help_text="列名（文件中的写法）；整行或表头问题为空")
    value = serializers.CharField(help_text="单元格内容")
    message = serializers.CharField(help_text="中文说明")


SummarySerializer = inline_serializer(
    "LedgerImportSummary",
    {
        "kind": serializers.CharField(),
        "file": serializers.CharField(),
        "sha256": serializers.CharField(),
        "dry_run": serializers.BooleanField(),
        "imported": serializers.BooleanField(),
        "rows_read": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "warnings": LedgerRowErrorSerializer(many=True),
    },
)


def _kind(name: str) -> spec.Kind:
    try:
        return spec.get(name)
    except LookupError:
        raise Http404("没有这种台账") from None


class LedgerImportView(ApiMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAG,
        summary="导入台账（整个文件全部正确才写入）",
        parameters=[KIND],
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            200: SummarySerializer,
            422: OpenApiResponse(LedgerRowErrorSerializer(many=True), description="有错误，未写入：逐行列出"),
            **errors(400, 403, 404),
        },
    )
    def post(self, request: Request, kind: str) -> Response:
        ledger = _kind(kind)
        user = acting_user(request)
        if (refused := ratelimit.check(request, "import", "ZHAOLUO_RATE_IMPORTS_PER_MINUTE")) is not None:
            return refused  # type: ignore[return-value]
        if not services.can_import(user, ledger):
            raise PermissionDeniedError(f"您的角色不能导入{ledger.label}")
        district = district_of(user)
        if district is None:
            raise PermissionDeniedError("您的账号未关联所属区，不能导入")
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > settings.ZHAOLUO_LEDGER_MAX_BYTES:
            return _file_error(f"文件超过 {settings.ZHAOLUO_LEDGER_MAX_BYTES / (1 << 20):g} MiB 上限")
        name = Path(upload.name or "ledger").name
        directory = Path(settings.ZHAOLUO_LEDGER_UPLOAD_DIR)
        path = spool(upload, directory, f"api-{secrets.token_urlsafe(12)}{Path(name).suffix.lower()}")
        try:
            result = services.ledger_import(
                kind=ledger,
                path=path,
                file_name=name,
                by=user,
                district=district,
                dry_run=data.validated_data["dry_run"],
                strict=data.validated_data["strict"],
            )
        finally:
            path.unlink(missing_ok=True)
        if result.file_error:
            return _file_error(result.file_error)
        if not result.ok:
            return Response([e.as_dict() for e in result.errors], status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        body = result.as_dict()
        body.pop("errors")
        body.pop("errors_not_listed")
        body.pop("file_error")
        return Response(body)


def _file_error(message: str) -> Response:
    return Response({"error": {"code": "file_rejected", "message": message}}, status=status.HTTP_400_BAD_REQUEST)


class LedgerExportView(ApiMixin, APIView):
    @extend_schema(
        tags=TAG,
        summary="导出台账（.xlsx，与列表页相同的筛选条件）",
        parameters=[
            KIND,
            OpenApiParameter(
                "unmask",
                OpenApiTypes.STR,
                enum=list(UNMASK_VALUES),
                description="1：导出完整联系方式（需权限，逐条记入审计）；0 或不带：脱敏",
            ),
        ],
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY, **errors(400, 403, 404)},
    )
    def get(self, request: Request, kind: str) -> HttpResponseBase:
        ledger = _kind(kind)
        user = acting_user(request)
        if (refused := ratelimit.check(request, "export", "ZHAOLUO_RATE_EXPORTS_PER_MINUTE")) is not None:
            return refused
        district = district_of(user)
        if district is None:
            raise PermissionDeniedError("您的账号未关联所属区")
        params = request.query_params
        unmask = unmask_requested(request)
        return _xlsx_response(
            lambda out: services.ledger_export(
                kind=ledger, by=user, district=district, params=params, out=out, unmask=unmask
            ),
            f"{ledger.label}.xlsx",
        )
