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
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from .api_support import ApiMixin

# Swagger UI would otherwise call validator.swagger.io to draw its badge.
SWAGGER_UI_SETTINGS = {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False}


class LoginRateThrottle(AnonRateThrottle):
    """Password guessing through the token endpoint: a few tries a minute per address."""

    scope = "api_login"
    rate = "10/min"


class TokenObtainView(ObtainAuthToken):
    """POST username + password, get `{"token": …}`; send it as `Authorization: Token …`."""

    throttle_classes = [LoginRateThrottle]


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
