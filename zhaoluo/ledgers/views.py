"""The ledger pages: upload → preview (a dry run, errors marked) → confirm; templates; exports.

The uploaded file waits between preview and confirm under ZHAOLUO_LEDGER_UPLOAD_DIR, named by
a random token that only the uploader's session knows; confirming re-runs the same import on
the same bytes (checked by SHA-256), so what was previewed is what gets written.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoluo.core import clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.htmx import AuthedRequest
from zhaoluo.core.ratelimit import limited
from zhaoluo.orgs import selectors as org_selectors

from . import preview, services, spec, xlsx
from .engine import ImportResult, sha256_of
from .files import spool
from .forms import UploadForm
from .models import ImportRun

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SESSION_KEY = "ledger_uploads"


def _kind(name: str) -> spec.Kind:
    try:
        return spec.get(name)
    except LookupError:
        raise Http404("没有这种台账") from None


def _district_or_403(request: AuthedRequest) -> Any:
    """The ledgers are a district's business records: an account without a district scope (the
    three admin roles, an account without a role) has none to import, export or fill in."""
    district = org_selectors.district_of(request.user)
    if district is None:
        raise PermissionDenied("您的账号未关联所属区")
    return district


def _upload_dir() -> Path:
    directory = Path(settings.ZHAOLUO_LEDGER_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@login_required
@require_GET
def ledger_index(request: AuthedRequest) -> HttpResponse:
    district = _district_or_403(request)
    kinds = [{"kind": k, "can_import": services.can_import(request.user, k)} for k in spec.all_kinds()]
    runs = ImportRun.objects.none()
    if any(k["can_import"] for k in kinds):
        runs = ImportRun.objects.filter(district=district).select_related("by")[:20]
    return render(request, "ledgers/index.html", {"kinds": kinds, "runs": runs})


@login_required
@require_http_methods(["GET", "POST"])
@limited("import", "ZHAOLUO_RATE_IMPORTS_PER_MINUTE", methods=("POST",))
def ledger_import(request: AuthedRequest, kind_name: str) -> HttpResponse:
    kind = _kind(kind_name)
    if not services.can_import(request.user, kind):
        raise PermissionDenied(f"您的角色不能导入{kind.label}")
    district = org_selectors.district_of(request.user)
    if district is None:
        raise PermissionDenied("您的账号未关联所属区，不能导入")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.ZHAOLUO_LEDGER_MAX_BYTES
        if upload.size > limit:
            form.add_error("file", f"文件超过 {limit / (1 << 20):g} MiB 上限")
        else:
            token = secrets.token_urlsafe(16)
            name = Path(upload.name or "ledger").name
            path = spool(upload, _upload_dir(), f"{token}{Path(name).suffix.lower()}")
            strict = form.cleaned_data["strict"]
            try:
                result = services.ledger_import(
                    kind=kind,
                    path=path,
                    file_name=name,
                    by=request.user,
                    district=district,
                    dry_run=True,
                    strict=strict,
                )
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            if result.file_error:
                # Refused as a whole (a bomb, a macro workbook): nothing to confirm or download,
                # so it does not wait for the 30-minute purge.
                path.unlink(missing_ok=True)
                return _preview_page(request, kind, "", path, name, result, strict)
            _remember(request, token, kind, path, name, strict, result)
            return _preview_page(request, kind, token, path, name, result, strict)
    status = 422 if request.method == "POST" else 200  # an invalid upload form, as every form answers
    return render(request, "ledgers/import.html", {"kind": kind, "form": form}, status=status)


def _remember(
    request: AuthedRequest, token: str, kind: spec.Kind, path: Path, name: str, strict: bool, result: ImportResult
) -> None:
    uploads: dict[str, Any] = request.session.get(_SESSION_KEY, {})
    uploads[token] = {"kind": kind.name, "path": str(path), "name": name, "sha256": result.sha256, "strict": strict}
    request.session[_SESSION_KEY] = dict(list(uploads.items())[-5:])  # a few pending uploads at most
    issues = [{**i.as_dict(), "level": "错误"} for i in result.errors]
    issues += [{**i.as_dict(), "level": "警告"} for i in result.warnings]
    path.with_suffix(".issues.json").write_text(json.dumps(issues, ensure_ascii=False), encoding="utf-8")


def _pending(request: AuthedRequest, kind: spec.Kind, token: str) -> dict[str, Any]:
    entry = request.session.get(_SESSION_KEY, {}).get(token)
    if entry is None or entry["kind"] != kind.name or not Path(entry["path"]).is_file():
        raise Http404("上传的文件已过期，请重新上传")
    return dict(entry)


def _preview_page(
    request: AuthedRequest, kind: spec.Kind, token: str, path: Path, name: str, result: ImportResult, strict: bool
) -> HttpResponse:
    context = {
        "kind": kind,
        "token": token,
        "result": result,
        "strict": strict,
        "preview": preview.build(path, name, result),
    }
    return render(request, "ledgers/preview.html", context, status=200 if result.ok else 422)


@login_required
@require_POST
def ledger_confirm(request: AuthedRequest, kind_name: str, token: str) -> HttpResponse:
    kind = _kind(kind_name)
    entry = _pending(request, kind, token)
    district = org_selectors.district_of(request.user)
    if district is None:
        raise PermissionDenied("您的账号未关联所属区，不能导入")
    path = Path(entry["path"])
    if sha256_of(path) != entry["sha256"]:
        raise Http404("上传的文件已变化，请重新上传")
    try:
        result = services.ledger_import(
            kind=kind, path=path, file_name=entry["name"], by=request.user, district=district, strict=entry["strict"]
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    if not result.ok:  # the data changed since the preview: show what is wrong now
        _remember(request, token, kind, path, entry["name"], entry["strict"], result)
        return _preview_page(request, kind, token, path, entry["name"], result, entry["strict"])
    _forget(request, token, path)
    messages.success(request, f"{kind.label}“{entry['name']}”{result.summary()}")
    return HttpResponseRedirect(reverse("ledgers:index"))


def _forget(request: AuthedRequest, token: str, path: Path) -> None:
    uploads = dict(request.session.get(_SESSION_KEY, {}))
    uploads.pop(token, None)
    request.session[_SESSION_KEY] = uploads
    path.unlink(missing_ok=True)
    path.with_suffix(".issues.json").unlink(missing_ok=True)


@login_required
@require_GET
def ledger_issues(request: AuthedRequest, kind_name: str, token: str) -> HttpResponseBase:
    """The preview's errors and warnings as a workbook to work through."""
    kind = _kind(kind_name)
    entry = _pending(request, kind, token)
    issues_file = Path(entry["path"]).with_suffix(".issues.json")
    issues = json.loads(issues_file.read_text(encoding="utf-8")) if issues_file.is_file() else []
    return _xlsx_response(
        lambda out: xlsx.write_errors(issues, out), f"{kind.label}-导入问题-{clock.today():%Y%m%d}.xlsx"
    )


@login_required
@require_GET
def ledger_template(request: AuthedRequest, kind_name: str) -> HttpResponseBase:
    kind = _kind(kind_name)
    _district_or_403(request)
    return _xlsx_response(lambda out: xlsx.write_template(kind, out), f"{kind.label}模板.xlsx")


@login_required
@require_GET
@limited("export", "ZHAOLUO_RATE_EXPORTS_PER_MINUTE")
def ledger_export(request: AuthedRequest, kind_name: str) -> HttpResponseBase:
    """The filtered list as the kind's ledger: the same FilterSet and scope as the list page."""
    kind = _kind(kind_name)
    district = org_selectors.district_of(request.user)
    if district is None:
        raise PermissionDenied("您的账号未关联所属区")
    params = request.GET
    unmask = params.get("unmask") == "1"

    def write(out: Any) -> int:
        return services.ledger_export(
            kind=kind, by=request.user, district=district, params=params, out=out, unmask=unmask
        )

    try:
        return _xlsx_response(write, f"{kind.label}-{clock.today():%Y%m%d}.xlsx")
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        # A bad filter value is refused rather than ignored: the file would hold more than asked for.
        text = "；".join(exc.messages)
        return HttpResponse(f"筛选条件有误，未导出：{text}", status=400, content_type="text/plain; charset=utf-8")


def _xlsx_response(write: Any, filename: str) -> FileResponse:
    """Written to a temporary file (large exports never sit in memory) that is gone once sent."""
    # FileResponse closes the file once sent, and a TemporaryFile is deleted when closed.
    handle = tempfile.TemporaryFile(dir=_upload_dir())  # noqa: SIM115
    write(handle)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
