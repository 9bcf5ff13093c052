"""Platform-level API views: token login, the OpenAPI schema and its Swagger UI.

The Swagger UI page loads its scripts and styles from drf-spectacular-sidecar under
/static/ (no CDN: government intranets have no internet) and needs a login, like
every other API route.
"""

from __future__ import annotations

import json
from typing import Any

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from .api_support import ApiMixin, ErrorSerializer
from .middleware import client_ip

# Set on the request by the accounts backend when the address has failed too often (A4).
LOGIN_THROTTLED_ATTR = "zhaoluo_login_throttled"
LOGIN_THROTTLED_MESSAGE = "本机登录失败次数过多，请稍后再试。"

# Swagger UI would otherwise call validator.swagger.io to draw its badge.
SWAGGER_UI_SETTINGS = {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False}


class LoginRateThrottle(SimpleRateThrottle):
    """Password guessing through the token endpoint: a few tries a minute per address.

    Every caller counts, also one that sends a token or a session cookie (AnonRateThrottle
    waved those through), and the address is the audited one (X-Real-IP only from a trusted
    proxy), not DRF's X-Forwarded-For, which any client can write.
    """

    scope = "api_login"
    rate = "10/min"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request) or "unknown"}


# On the class, so the accounts app's subclass (which adds the second factor) keeps it.
@extend_schema(
    summary="用户名和密码换取令牌（无需登录）",
    tags=["账号与组织"],
    auth=[],
    request=inline_serializer(
        "TokenLogin",
        {
            "username": serializers.CharField(label="用户名"),
            "password": serializers.CharField(label="密码"),
            "otp": serializers.CharField(label="动态口令", required=False, help_text="双因素账号的 6 位动态口令"),
            "name": serializers.CharField(label="令牌名称", required=False, help_text="便于在“账号安全”里辨认"),
            "days": serializers.IntegerField(label="有效期（天）", required=False, min_value=1),
        },
    ),
    responses={
        200: inline_serializer(
            "TokenIssued",
            {
                "token": serializers.CharField(help_text="Authorization: Token …（只显示这一次）"),
                "name": serializers.CharField(),
                "expires_at": serializers.DateTimeField(help_text="到期时间；退出登录、修改密码时提前失效"),
            },
        ),
        400: OpenApiResponse(ErrorSerializer, description="用户名或密码不对（不区分原因），或缺少字段"),
        403: OpenApiResponse(ErrorSerializer, description="须先在网页上完成的步骤：修改密码、绑定或输入动态口令"),
        429: OpenApiResponse(ErrorSerializer, description="每地址每分钟 10 次，或登录失败过多：稍后再试"),
    },
)
class TokenObtainView(ObtainAuthToken):
    """POST username + password, get `{"token": …}`; send it as `Authorization: Token …`."""

    # Anonymous by design: a token or session sent along is not looked at (a stale token would
    # otherwise answer 401 before the password is even read).
    authentication_classes = []
    throttle_classes = [LoginRateThrottle]

    def handle_exception(self, exc: Exception) -> Response:
        # The accounts backend refused a throttled address: that is a 429, not a wrong password.
        if isinstance(exc, exceptions.ValidationError) and getattr(self.request, LOGIN_THROTTLED_ATTR, False):
            exc = exceptions.Throttled(detail=LOGIN_THROTTLED_MESSAGE)
        return super().handle_exception(exc)


class SchemaView(ApiMixin, SpectacularAPIView):
    pass


class DocsView(ApiMixin, SpectacularSwaggerSplitView):
    """The split view serves Swagger UI's start-up script from `?script` instead of inline, so
    the page runs under the platform's CSP with script-src 'self'. Only its styles are
    loosened: the template has a <style> block and Swagger UI sets inline styles."""

    url_name = "api-schema"

    @extend_schema(exclude=True)
    @method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        if "settings" in response.data:
            response.data["settings"] = json.dumps(SWAGGER_UI_SETTINGS, indent=2)
        return response
