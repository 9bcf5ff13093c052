"""Token login for the API, with the second factor (token use is gated in authentication.py)."""

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core.api_views import TokenObtainView as BaseTokenObtainView
from zhaoluo.orgs.models import User

from . import selectors, services
from .authentication import StepRequired


class TokenObtainView(BaseTokenObtainView):
    """POST username, password and, for an account with 2FA, `otp` (the 6-digit code).

    The password check is the platform's (lockout, throttling, one answer for every failure);
    an account owing a password change or a 2FA enrolment gets no token until it has done so
    on the web.
    """

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: User = serializer.validated_data["user"]
        if selectors.confirmed_devices(user).exists():
            data = request.data if isinstance(request.data, dict) else {}
            code = str(data.get("otp", "")).strip()
            if not code or services.otp_verify(user=user, token=code) is None:
                raise StepRequired(selectors.Step.OTP_VERIFY)
        step = selectors.pending_step(user, verified=True)
        if step is not None:
            raise StepRequired(step)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
