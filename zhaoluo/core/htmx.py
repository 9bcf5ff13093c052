"""HTMX helpers: one view serves the full page and, for an HTMX request, only its fragment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # django-stubs resolves `_User` to settings.AUTH_USER_MODEL: the platform's user model,
    # typed, without the kernel importing the app that defines it.
    from django.contrib.auth.models import _User as User


class AuthedRequest(HttpRequest):
    """A request behind login_required, with django-htmx's details (for type checking)."""

    user: User
    htmx: HtmxDetails


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX swap asks for the fragment; a history restore or a boosted link wants the page."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def render_page(
    request: HttpRequest,
    page: str,
    fragment: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    template = fragment if wants_fragment(request) else page
    form = context.get("filter_form")
    if template == page and form is not None and form.is_bound and form.errors:
        # A bad filter value (签约年度=0) is not applied: say so, naming the filter, on the page.
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            label = str(field.label) if field is not None and field.label else name
            for error in errors:
                text = error if error.startswith(label) else f"{label}：{error}"
                messages.error(request, f"筛选条件未生效：{text}")
    response = render(request, template, context, status=status)
    # The same URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_after_post(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
