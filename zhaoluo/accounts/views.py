"""Login, logout, password change, the second factor, and the 安全管理员's account pages."""

from __future__ import annotations

import io
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.qr import write_qrcode_image

from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.forms import apply_service_errors
from zhaoluo.core.htmx import AuthedRequest
from zhaoluo.orgs.choices import ADMIN_ROLES, Role
from zhaoluo.orgs.models import Official, Region, Unit, User

from . import selectors, services
from .backends import THROTTLED_ATTR
from .forms import LOGIN_THROTTLED, AccountCreateForm, ApiTokenForm, LoginForm, PasswordForm, RoleForm, TokenForm
from .middleware import forget_gate
from .permissions import ACCOUNTS_MANAGE, can


def _next_param(request: HttpRequest) -> str:
    """Where to go after this step, if it is a page of this site; else empty."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _next_url(request: HttpRequest) -> str:
    return _next_param(request) or reverse("home")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(self.request, THROTTLED_ATTR, False):
            form.errors.clear()
            form.add_error(None, str(LOGIN_THROTTLED))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
        return response


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Logging out ends every session of the account, on every computer, server-side."""
    user = request.user
    if isinstance(user, User):
        services.logged_out(user=user)
    auth_logout(request)
    return redirect("login")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordForm(request.user, request.POST or None)
    step = selectors.pending_step(request.user, verified=_verified(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.password_change(
                    user=request.user,
                    new_password=form.cleaned_data["new_password1"],
                    keep_session=request.session.session_key,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, {}, {})
                status = 422
            else:
                update_session_auth_hash(request, request.user)
                forget_gate(request)
                messages.success(request, "密码已修改，其他设备上的登录已退出")
                return HttpResponseRedirect(_next_url(request))
        else:
            status = 422
    context = {
        "form": form,
        "next": _next_param(request),
        "step_message": selectors.STEP_MESSAGES.get(step) if step else "",
        "min_length": settings.ZHAOLUO_PASSWORD_MIN_LENGTH,
        "max_age_days": settings.ZHAOLUO_PASSWORD_MAX_AGE_DAYS,
    }
    return render(request, "accounts/password_change.html", context, status=status)


def _verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthedRequest) -> HttpResponse:
    if _verified(request) or not selectors.confirmed_devices(request.user).exists():
        return HttpResponseRedirect(_next_url(request))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        device = services.otp_verify(user=request.user, token=form.cleaned_data["token"]) if form.is_valid() else None
        if device is not None:
            django_otp.login(request, device)
            forget_gate(request)
            return HttpResponseRedirect(_next_url(request))
        if form.is_valid():
            form.add_error("token", "动态验证码不正确或已使用过，请输入手机上显示的最新验证码")
        status = 422
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_param(request)}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: AuthedRequest) -> HttpResponse:
    """Bind an authenticator app: scan the QR code, then confirm with the first code it shows."""
    if selectors.confirmed_devices(request.user).exists():
        return redirect("accounts:security")
    device = services.otp_pending_device(user=request.user, key=_pending_key(request))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        confirmed = form.is_valid() and services.otp_device_confirm(
            user=request.user, key=device.key, token=form.cleaned_data["token"]
        )
        if confirmed:
            request.session.pop(_PENDING_KEY, None)
            django_otp.login(request, confirmed)
            forget_gate(request)
            messages.success(request, "已绑定动态验证码，以后登录时须输入")
            return HttpResponseRedirect(_next_url(request))
        if form.is_valid():
            form.add_error("token", "动态验证码不正确，请确认手机时间准确后重试")
        status = 422
    secret = _b32(device)
    context = {
        "form": form,
        "next": _next_param(request),
        "secret": secret,
        "required": selectors.otp_required(request.user),
    }
    return render(request, "accounts/otp_enrol.html", context, status=status)


_PENDING_KEY = "otp_pending_key"


def _pending_key(request: AuthedRequest) -> str:
    """The secret being enrolled lives in the session (never the database) until confirmed."""
    key = request.session.get(_PENDING_KEY)
    if not key:
        key = services.otp_new_key()
        request.session[_PENDING_KEY] = key
    return str(key)


def _b32(device: Any) -> str:
    import base64

    text = base64.b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@login_required
@require_GET
def otp_qr(request: AuthedRequest) -> HttpResponse:
    """The QR code of the device being enrolled, as SVG. A bound device's secret is never shown again."""
    if selectors.confirmed_devices(request.user).exists():
        raise PermissionDenied("已绑定动态验证码")
    device = services.otp_pending_device(user=request.user, key=_pending_key(request))
    buffer = io.BytesIO()
    write_qrcode_image(device.config_url, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_GET
def security(request: AuthedRequest) -> HttpResponse:
    """The user's own account security: password age and the second factor."""
    context = {**security_context(request.user), "token_form": ApiTokenForm()}
    return render(request, "accounts/security.html", context)


def security_context(user: User) -> dict[str, Any]:
    record = selectors.security_of(user)
    return {
        "devices": list(selectors.confirmed_devices(user)),
        "otp_required": selectors.otp_required(user),
        "password_set_at": selectors.password_set_at(user, record),
        "password_expires_at": selectors.password_expires_at(user, record),
        "tokens": selectors.tokens_of(user),
        "now": timezone.now(),
    }


@login_required
@require_POST
def otp_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(selectors.confirmed_devices(request.user), pk=pk)
    services.otp_device_remove(user=request.user, device=device, keep_session=request.session.session_key)
    forget_gate(request)
    messages.success(request, "已解绑动态验证码")
    return redirect("accounts:security")


# --- 安全管理员 ---------------------------------------------------------------------------


def _manager(request: AuthedRequest) -> User:
    if not can(request.user, ACCOUNTS_MANAGE):
        raise PermissionDenied("只有安全管理员可以管理账号")
    return request.user


def _target(request: AuthedRequest, pk: int) -> User:
    return get_object_or_404(selectors.manageable_accounts(user=_manager(request)), pk=pk)


@never_cache
@login_required
@require_GET
def manage_list(request: AuthedRequest) -> HttpResponse:
    manager = _manager(request)
    accounts = list(selectors.manageable_accounts(user=manager))
    now = timezone.now()
    locks = {s.user_id: s for s in selectors.security_rows([a.pk for a in accounts])}
    enrolled = selectors.users_with_devices([a.pk for a in accounts])
    rows = [
        {
            "user": a,
            "locked": _locked(locks.get(a.pk), now),
            "must_change": bool(locks.get(a.pk) and locks[a.pk].must_change_password),
            "otp": a.pk in enrolled,
        }
        for a in accounts
    ]
    context = {"rows": rows, "role_form": RoleForm(), "admin_roles": sorted(ADMIN_ROLES)}
    return render(request, "accounts/manage_list.html", context)


def _locked(record: Any, now: Any) -> bool:
    return bool(record is not None and record.locked_until is not None and record.locked_until > now)


def _create_form(request: AuthedRequest, manager: User) -> AccountCreateForm:
    district_id = selectors.managed_district_id(manager) or 0
    regions = Region.objects.filter(pk=district_id) | Region.objects.filter(parent_id=district_id)
    units = Unit.objects.filter(region__in=regions)
    officials = Official.objects.filter(district_id=district_id)
    return AccountCreateForm(request.POST or None, regions=regions, units=units, officials=officials)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage_create(request: AuthedRequest) -> HttpResponse:
    manager = _manager(request)
    form = _create_form(request, manager)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, password = services.account_create(
                    by=manager,
                    username=data["username"],
                    role=data["role"],
                    region=data["region"],
                    unit=data["unit"],
                    official=data["official"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, {}, {})
                status = 422
            else:
                return _show_password(request, user, password, "账号已创建")
        else:
            status = 422
    return render(request, "accounts/manage_create.html", {"form": form}, status=status)


def _show_password(request: AuthedRequest, user: User, password: str, title: str) -> HttpResponse:
    """The temporary password, on this one page and nowhere else (not in a flash message, which
    would sit in a cookie): the 安全管理员 hands it over, the user changes it at first login."""
    response = render(request, "accounts/manage_password.html", {"account": user, "password": password, "title": title})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def manage_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    manager, user = _manager(request), _target(request, pk)
    password = _run(lambda: services.account_reset_password(by=manager, user=user))
    return _show_password(request, user, password, "密码已重置")


@login_required
@require_POST
def manage_active(request: AuthedRequest, pk: int) -> HttpResponse:
    manager, user = _manager(request), _target(request, pk)
    if request.POST.get("active") not in ("0", "1"):
        # A form without the choice changes nothing (it used to mean 停用).
        messages.error(request, "请选择启用或停用")
        return redirect("secadmin:accounts")
    active = request.POST.get("active") == "1"
    _run(lambda: services.account_set_active(by=manager, user=user, active=active))
    messages.success(request, f"{user.username} 已{'启用' if active else '停用'}")
    return redirect("secadmin:accounts")


@login_required
@require_POST
def manage_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    manager, user = _manager(request), _target(request, pk)
    _run(lambda: services.account_unlock(by=manager, user=user))
    messages.success(request, f"{user.username} 已解锁")
    return redirect("secadmin:accounts")


@login_required
@require_POST
def manage_otp_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    manager, user = _manager(request), _target(request, pk)
    _run(lambda: services.account_otp_reset(by=manager, user=user))
    messages.success(request, f"{user.username} 的动态验证码已解绑，下次登录时重新绑定")
    return redirect("secadmin:accounts")


@login_required
@require_POST
def manage_role(request: AuthedRequest, pk: int) -> HttpResponse:
    manager, user = _manager(request), _target(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择角色")
        return redirect("secadmin:accounts")
    try:
        _run(lambda: services.account_change_role(by=manager, user=user, role=form.cleaned_data["role"]))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{user.username} 的角色已改为{Role(form.cleaned_data['role']).label}")
    return redirect("secadmin:accounts")


def _run(call: Any) -> Any:
    try:
        return call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
