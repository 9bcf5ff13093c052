"""DRF authentication for API tokens, gated like a session (kept apart from the views: DRF
imports authentication classes while its own views module is still loading)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import selectors


class StepRequired(exceptions.PermissionDenied):
    def __init__(self, step: selectors.Step) -> None:
        super().__init__(detail=selectors.STEP_MESSAGES[step], code=step.value)


class GatedTokenAuthentication(TokenAuthentication):
    """A token stands for a login that passed 2FA when it was issued; the password steps still apply.

    The key is looked up by its digest among the user's named tokens (models.ApiToken); an
    expired one is refused like an unknown one."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from .token_services import api_token_by_key

        token = api_token_by_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效或已过期，请重新获取")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已过期，请重新获取")
        step = selectors.pending_step(user, verified=True)
        if step is not None:
            raise StepRequired(step)
        return user, token


class GatedTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The schema documents it as DRF's token scheme, which it is on the wire."""

    target_class = "zhaoluo.accounts.authentication.GatedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <key>"}
