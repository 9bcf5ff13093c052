"""Pages of 百名干部进百企: the cadre's start page, pairings, the enterprise's 包联 page, the
visit form (phone first), needs → problems, flags, coverage, and the enterprise's portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoluo.core import clock
from zhaoluo.core.actions import Action, Done, run_action
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.forms import friendly_empty_labels, style_form
from zhaoluo.core.htmx import AuthedRequest, render_page
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.problems import selectors as problem_selectors
from zhaoluo.problems.choices import Status

from . import coverage, pools, selectors, services
from .choices import Pool
from .filters import FlagFilterSet, PairingFilterSet, VisitFilterSet
from .forms import PairingEndForm, PairingForm, PoolEnterForm, PortalNeedForm, VisitForm
from .instrument import QUESTIONS, answer_rows
from .models import Pairing, PoolMembership, Visit, VisitNeed, VisitPhoto
from .permissions import can_organise, can_raise_need, can_see_photos, is_cadre_of

PAGE_SIZE = 50
YES_NO = [("", "不限"), ("true", "是"), ("false", "否")]


def _page(request: AuthedRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _district_only(request: AuthedRequest) -> None:
    """Organiser pages (coverage, flags) are for the district-wide roles; others are refused."""
    if scope_for(request.user).kind is not ScopeKind.DISTRICT:
        raise PermissionDenied("只有区级部门可以查看该页面")


@login_required
@require_GET
def start(request: AuthedRequest) -> HttpResponse:
    """The 包联干部's day: my enterprises with the last visit and open needs, visits due, and
    needs waiting for the enterprise's confirmation."""
    if request.user.role != Role.CADRE:
        raise PermissionDenied("该页面是包联干部的工作台")
    today = clock.today()
    rule = coverage.CoverageRule()
    rows = selectors.my_enterprises(user=request.user, today=today)
    for row in rows:
        last = row["last_visit"]
        row["due"] = last is None or (today - last).days > rule.visit_days
    context = {
        "today": today,
        "rows": rows,
        "due": [r for r in rows if r["due"]],
        "rule": rule,
        "awaiting": list(selectors.awaiting_confirmation(user=request.user)[:50]),
        "recent": list(selectors.visit_list(user=request.user)[:10]),
    }
    return render(request, "service/start.html", context)


@login_required
@require_GET
def pairing_list(request: AuthedRequest) -> HttpResponse:
    filterset = PairingFilterSet(
        request.GET or None, queryset=selectors.pairing_list(user=request.user), request=request
    )
    form = filterset.form
    form.fields["active"].widget = forms.Select(choices=YES_NO)
    form.fields["q"].widget.attrs.update({"placeholder": "干部姓名或企业名称", "type": "search"})
    friendly_empty_labels(form)
    style_form(form)
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    context = {"filter_form": form, "page": _page(request, queryset), "can_organise": can_organise(request.user)}
    return render_page(request, "service/pairings.html", "service/_pairings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_create(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    district_id = scope.district_id or 0
    cadres = Official.objects.filter(unit__region_id=district_id) | Official.objects.filter(
        unit__region__parent_id=district_id
    )
    form = PairingForm(
        request.POST if request.method == "POST" else None,
        cadres=cadres.select_related("unit").order_by("name"),
        enterprises=Enterprise.objects.filter(district_id=district_id).order_by("name"),
    )

    def perform(f: forms.Form) -> Done:
        data = f.cleaned_data
        pairing = services.pairing_create(
            by=request.user,
            cadre=data["cadre"],
            enterprise=data["enterprise"],
            since=data["since"],
            until=data["until"],
        )
        return Done(f"已安排{pairing.cadre.name}包联{pairing.enterprise.name}", reverse("service:pairings"), pairing)

    action = Action(
        title="安排包联",
        url=reverse("service:pairing_create"),
        form=form,
        perform=perform,
        model=Pairing,
        once="service.pairing",
    )
    return run_action(
        request,
        action,
        allowed=can_organise(request.user),
        denied="只有组织单位（科经局）可以安排包联",
        page="service/action_page.html",
        success_url=reverse("service:pairings"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pairing_end(request: AuthedRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get(user=request.user, pk=pk)
    form = PairingEndForm(
        request.POST if request.method == "POST" else None, initial={"version": pairing.version, "until": clock.today()}
    )

    def perform(f: forms.Form) -> str:
        data = f.cleaned_data
        services.pairing_end(
            pairing=pairing,
            by=request.user,
            until=data["until"],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return f"{pairing.cadre.name}对{pairing.enterprise.name}的包联已结束"

    action = Action(
        title=f"结束包联：{pairing}",
        url=reverse("service:pairing_end", args=[pk]),
        form=form,
        perform=perform,
        model=Pairing,
        danger=True,
    )
    return run_action(
        request,
        action,
        allowed=can_organise(request.user),
        denied="只有组织单位（科经局）可以结束包联",
        page="service/action_page.html",
        success_url=reverse("service:pairings"),
    )


@login_required
@require_GET
def enterprise_service(request: AuthedRequest, pk: int) -> HttpResponse:
    """One enterprise's 包联: its cadres, visit history, flags and needs."""
    enterprise = selectors.service_enterprise_get(user=request.user, pk=pk)
    today = clock.today()
    pairings = selectors.pairing_list(user=request.user).filter(enterprise=enterprise).order_by("-since")
    visits = (
        selectors.visit_list(user=request.user).filter(enterprise=enterprise).prefetch_related("flags__rule", "needs")
    )
    context = {
        "enterprise": enterprise,
        "pairings": pairings,
        "active": [p for p in pairings if p.is_active(today)],
        "page": _page(request, visits),
        "can_visit": is_cadre_of(request.user, enterprise.pk, today),
    }
    return render(request, "service/enterprise.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.service_enterprise_get(user=request.user, pk=pk)
    today = clock.today()
    form = VisitForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"visited_on": today, "mode": "on_site"},
    )

    def perform(f: forms.Form) -> Done:
        assert isinstance(f, VisitForm)
        data = f.cleaned_data
        visit = services.visit_record(
            by=request.user,
            enterprise=enterprise,
            visited_on=data["visited_on"],
            mode=data["mode"],
            participants=data["participants"],
            answers=f.answers(),
            notes=data["notes"],
            needs=f.needs(),
            photos=data["photos"],
        )
        flagged = visit.flags.count()
        message = "走访已记录" + (f"，触发 {flagged} 项预警" if flagged else "")
        return Done(message, reverse("service:visit", args=[visit.pk]), visit)

    action = Action(
        title=f"记录走访：{enterprise.name}",
        url=reverse("service:visit_create", args=[pk]),
        form=form,
        perform=perform,
        model=Visit,
        once="service.visit",
        submit="保存走访",
        aliases={f"answers.{q.key}": f"q_{q.key}" for q in QUESTIONS},
    )
    return run_action(
        request,
        action,
        allowed=is_cadre_of(request.user, enterprise.pk, today),
        denied="只有该企业的包联干部可以记录走访",
        page="service/visit_form.html",
        success_url=reverse("service:enterprise", args=[pk]),
        context={"enterprise": enterprise},
    )


def _visit_context(request: AuthedRequest, visit: Visit) -> dict[str, Any]:
    photos_allowed = can_see_photos(request.user, visit)
    return {
        "visit": visit,
        "answers": answer_rows(visit.answers or {}),
        "flags": visit.flags.select_related("rule"),
        "needs": visit.needs.select_related("problem"),
        "photos": list(visit.photos.all()) if photos_allowed else [],
        "photos_hidden": not photos_allowed and visit.photos.exists(),
        "can_raise": can_raise_need(request.user, visit),
    }


@login_required
@require_GET
def visit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk)
    return render(request, "service/visit.html", _visit_context(request, visit))


@login_required
@require_POST
def need_raise(request: AuthedRequest, pk: int) -> HttpResponse:
    """一键转问题: the need becomes a problem of the closed loop."""
    need = get_object_or_404(VisitNeed.objects.select_related("visit"), pk=pk)
    visit = selectors.visit_get(user=request.user, pk=need.visit_id)
    if not can_raise_need(request.user, visit):
        raise PermissionDenied("只有走访的包联干部（或组织单位）可以把需求转为问题")
    try:
        problem = services.need_to_problem(need=need, by=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        context = {**_visit_context(request, visit), "error": "；".join(exc.messages)}
        return render(request, "service/visit.html", context, status=422)
    messages.success(request, f"已转为问题 {problem.code}，等待交办")
    return redirect("service:visit", pk=visit.pk)


@login_required
@require_GET
def visit_photo(request: AuthedRequest, pk: int) -> FileResponse:
    """A visit photo, read under the rule of contact details (it may show people)."""
    photo = get_object_or_404(VisitPhoto.objects.select_related("visit"), pk=pk)
    visit = selectors.visit_get(user=request.user, pk=photo.visit_id)
    if not can_see_photos(request.user, visit):
        raise Http404("照片不存在或不在您的查看范围内")
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def visit_list(request: AuthedRequest) -> HttpResponse:
    filterset = VisitFilterSet(request.GET or None, queryset=selectors.visit_list(user=request.user), request=request)
    form = filterset.form
    form.fields["flagged"].widget = forms.Select(choices=YES_NO)
    friendly_empty_labels(form)
    style_form(form)
    queryset = (filterset.qs if filterset.is_bound else filterset.queryset).prefetch_related("flags__rule")
    context = {"filter_form": form, "page": _page(request, queryset)}
    return render_page(request, "service/visits.html", "service/_visits.html", context)


@login_required
@require_GET
def flag_list(request: AuthedRequest) -> HttpResponse:
    """The organiser's list of flags raised by visits, each naming its rule."""
    _district_only(request)
    filterset = FlagFilterSet(request.GET or None, queryset=selectors.flag_list(user=request.user), request=request)
    friendly_empty_labels(filterset.form)
    style_form(filterset.form)
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    context = {"filter_form": filterset.form, "page": _page(request, queryset), "rules": selectors.flag_rules()}
    return render_page(request, "service/flags.html", "service/_flags.html", context)


def _rule_from(request: AuthedRequest) -> coverage.CoverageRule:
    default = coverage.CoverageRule()

    def number(name: str, fallback: int) -> int:
        try:
            value = int(request.GET.get(name, fallback))
        except (TypeError, ValueError):
            return fallback
        return value if 0 <= value <= 3650 else fallback

    return coverage.CoverageRule(
        visit_days=number("days", default.visit_days) or default.visit_days,
        load_min=number("min", default.load_min),
        load_max=number("max", default.load_max),
    )


@login_required
@require_GET
def coverage_page(request: AuthedRequest) -> HttpResponse:
    """Coverage for the organiser: each count drills down to its list (?show=…)."""
    _district_only(request)
    today = clock.today()
    rule = _rule_from(request)
    district_id = scope_for(request.user).district_id
    pairings = selectors.pairing_list(user=request.user)
    enterprises = selectors.service_enterprises(user=request.user)
    counts = coverage.summary(pairings, enterprises, today, rule, district_id)
    show = request.GET.get("show", "")
    rows: Any = []
    if show == "unpaired":
        rows = coverage.unpaired(enterprises, today)
    elif show == "due":
        rows = coverage.due_pairings(pairings, today, rule.visit_days)
    elif show in {"over", "under"}:
        loads = coverage.loads(pairings, today, district_id)
        rows = loads.filter(load__gt=rule.load_max) if show == "over" else loads.filter(load__lt=rule.load_min)
    context = {"counts": counts, "rule": rule, "show": show, "page": _page(request, rows), "today": today}
    return render(request, "service/coverage.html", context)


@login_required
@require_GET
def portal(request: AuthedRequest) -> HttpResponse:
    """The enterprise contact's own page: its cadre, their visits, its needs and their progress."""
    if request.user.role != Role.ENTERPRISE or request.user.enterprise_id is None:
        raise PermissionDenied("该页面是企业联系人的服务页")
    enterprise = selectors.service_enterprise_get(user=request.user, pk=request.user.enterprise_id)
    today = clock.today()
    problems = problem_selectors.problem_list(user=request.user).order_by("-raised_on", "-id")
    context = {
        "enterprise": enterprise,
        "cadres": [p for p in selectors.pairing_list(user=request.user) if p.is_active(today)],
        "visits": selectors.visit_list(user=request.user)[:20],
        "awaiting": problems.filter(status=Status.RESOLVED),
        "page": _page(request, problems),
    }
    return render(request, "service/portal.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def portal_need(request: AuthedRequest) -> HttpResponse:
    form = PortalNeedForm(request.POST if request.method == "POST" else None)

    def perform(f: forms.Form) -> Done:
        problem = services.portal_need_submit(
            by=request.user, description=f.cleaned_data["description"], category=f.cleaned_data["category"]
        )
        return Done(f"需求已提交（{problem.code}），包联干部和科经局已收到", reverse("service:portal"), problem)

    action = Action(
        title="提交需求",
        url=reverse("service:portal_need"),
        form=form,
        perform=perform,
        once="service.need",
        submit="提交",
    )
    return run_action(
        request,
        action,
        allowed=request.user.role == Role.ENTERPRISE and request.user.enterprise_id is not None,
        denied="只有企业联系人可以在此提交需求",
        page="service/action_page.html",
        success_url=reverse("service:portal"),
    )


@login_required
@require_GET
def pool_page(request: AuthedRequest) -> HttpResponse:
    """Pools per year (new 规上, new 高企, sizes), each drilling down, and the promotion candidates."""
    _district_only(request)
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    enterprises = selectors.service_enterprises(user=request.user)
    memberships = PoolMembership.objects.filter(enterprise__in=enterprises).select_related("enterprise")
    show = request.GET.get("show", "")
    figures = pools.pool_figures(memberships, year)
    rows = pools.drilldown(memberships, year, show).order_by("-entered_on") if show in figures else []
    context = {
        "year": year,
        "figures": figures,
        "labels": POOL_FIGURE_LABELS,
        "show": show,
        "page": _page(request, rows),
        "candidates": [(rule, pools.candidates(enterprises, rule, today)) for rule in pools.PROMOTION_RULES],
        "can_organise": can_organise(request.user),
    }
    return render(request, "service/pools.html", context)


POOL_FIGURE_LABELS = {
    "new_above_scale": "新增规上企业",
    "new_high_tech": "新增高新技术企业",
    **{f"size_{value}": f"{label}（年末）" for value, label in Pool.choices},
}


@login_required
@require_http_methods(["GET", "POST"])
def pool_enter(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.service_enterprise_get(user=request.user, pk=pk)
    form = PoolEnterForm(request.POST if request.method == "POST" else None, initial={"entered_on": clock.today()})

    def perform(f: forms.Form) -> str:
        data = f.cleaned_data
        pools.pool_enter(
            by=request.user,
            enterprise=enterprise,
            pool=data["pool"],
            entered_on=data["entered_on"],
            reason=data["reason"],
            listing_stage=data["listing_stage"],
        )
        return f"{enterprise.name}已入{Pool(data['pool']).label}"

    action = Action(
        title=f"企业入库：{enterprise.name}",
        url=reverse("service:pool_enter", args=[pk]),
        form=form,
        perform=perform,
        model=PoolMembership,
    )
    return run_action(
        request,
        action,
        allowed=can_organise(request.user),
        denied="只有科经局可以办理企业入库",
        page="service/action_page.html",
        success_url=reverse("service:pools"),
    )
