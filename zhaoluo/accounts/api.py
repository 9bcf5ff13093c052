"""Token login for the API, with the second factor (token use is gated in authentication.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core.api_views import TokenObtainView as BaseTokenObtainView
from zhaoluo.orgs.models import User

from . import selectors, services, token_services
from .authentication import StepRequired


class TokenObtainView(BaseTokenObtainView):
    """POST username, password and, for an account with 2FA, `otp` (the 6-digit code).

    The password check is the platform's (lockout, throttling, one answer for every failure);
    an account owing a password change or a 2FA enrolment gets no token until it has done so
    on the web. Each call issues a new token: optional `name` (unique per user) and `days`
    (1 … ZHAOLUO_API_TOKEN_MAX_DAYS, the default).
    """

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: User = serializer.validated_data["user"]
        data = request.data if isinstance(request.data, dict) else {}
        if selectors.confirmed_devices(user).exists():
            code = str(data.get("otp", "")).strip()
            if not code or services.otp_verify(user=user, token=code) is None:
                raise StepRequired(selectors.Step.OTP_VERIFY)
        step = selectors.pending_step(user, verified=True)
        if step is not None:
            raise StepRequired(step)
        try:
            token, key = token_services.api_token_issue(
                user=user, name=str(data.get("name", "")), days=_days(data.get("days"))
            )
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response({"token": key, "name": token.name, "expires_at": token.expires_at.isoformat()})


def _days(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise serializers.ValidationError({"days": ["有效期须为整数天"]}) from None
