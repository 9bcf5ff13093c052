"""The user's own API tokens, on 账号安全: create (the key shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhaoluo.core.forms import apply_service_errors
from zhaoluo.core.htmx import AuthedRequest

from . import token_services
from .forms import ApiTokenForm
from .models import ApiToken
from .views import security_context


@never_cache
@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = token_services.api_token_issue(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {}, {})
        else:
            response = render(request, "accounts/token_created.html", {"token": token, "key": key})
            response["Cache-Control"] = "no-store"
            return response
    context = {**security_context(request.user), "token_form": form}
    return render(request, "accounts/security.html", context, status=422)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    token_services.api_token_revoke(user=request.user, token=token)
    messages.success(request, f"已撤销接口令牌“{token.name}”")
    return redirect("accounts:security")
