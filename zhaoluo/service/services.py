"""All writes of 百名干部进百企: pair and unpair, record a visit (photos, flags), turn a need into
a problem, and the enterprise portal's new need. Keyword-only, validated, one transaction each,
with the audit row inside it."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from zhaoluo.core import audit, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import check_version
from zhaoluo.core.uploads import MAX_PHOTOS, validate_photo
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.notify import services as notify
from zhaoluo.notify.choices import Event
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Region, User
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Category, Origin
from zhaoluo.problems.models import Problem

from . import flags, instrument
from .models import Pairing, Visit, VisitFlag, VisitNeed, VisitPhoto
from .permissions import can_organise, can_raise_need, can_record_visit, in_district

PAIRING_AUDITED = ["cadre", "enterprise", "since", "until", "end_reason"]
VISIT_AUDITED = ["enterprise", "cadre", "visited_on", "mode", "participants", "answers", "notes"]
PHOTO_MAX_SIDE = 1600  # long side in pixels: enough to read a nameplate, small on a phone link


def _district(by: User) -> Region:
    from zhaoluo.orgs.scope import scope_for

    return Region.objects.get(pk=scope_for(by).district_id or 0)


def official_in_district(official: Official, district: Region) -> bool:
    if official.unit_id is None:
        return True  # leaders of the 四大家 have no unit and belong to the district
    assert official.unit is not None
    region = official.unit.region
    return region.pk == district.pk or region.parent_id == district.pk


# Pairings ----------------------------------------------------------------------------------
@transaction.atomic
def pairing_create(
    *,
    by: User,
    cadre: Official,
    enterprise: Enterprise,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Pairing:
    """包联: the organiser pairs a cadre with an enterprise of the district."""
    if not can_organise(by):
        raise PermissionDeniedError("只有组织单位（科经局）可以安排包联")
    district = _district(by)
    errors: dict[str, str] = {}
    if enterprise.district_id != district.pk:
        errors["enterprise"] = "企业不属于本区"
    if not official_in_district(cadre, district):
        errors["cadre"] = "干部不是本区干部"
    since = since or clock.today()
    if until is not None and until < since:
        errors["until"] = "结束日期不能早于起始日期"
    if errors:
        raise ValidationError(errors)
    overlapping = Pairing.objects.filter(cadre=cadre, enterprise=enterprise).active_in(since, until or dt.date.max)
    if overlapping.exists():
        raise ValidationError({"enterprise": f"{cadre.name}已包联{enterprise.name}，不能重复安排"})
    pairing = Pairing(district=district, cadre=cadre, enterprise=enterprise, since=since, until=until)
    pairing.full_clean()
    pairing.save()
    audit.record(
        actor=by,
        action="pairing.created",
        obj=pairing,
        after=audit.snapshot(pairing, PAIRING_AUDITED),
        parent=enterprise,
    )
    return pairing


@transaction.atomic
def pairing_end(
    *,
    pairing: Pairing,
    by: User,
    until: dt.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Pairing:
    """Unpair: the pairing ends on `until` (today by default); its visits stay in the history."""
    if not can_organise(by) or not in_district(by, pairing.district_id):
        raise PermissionDeniedError("只有组织单位（科经局）可以结束包联")
    check_version(pairing, expected_version)
    until = until or clock.today()
    if until < pairing.since:
        raise ValidationError({"until": "结束日期不能早于起始日期"})
    if pairing.until is not None and pairing.until <= until:
        raise ValidationError({"until": f"该包联已于 {pairing.until:%Y-%m-%d} 结束"})
    before = audit.snapshot(pairing, PAIRING_AUDITED)
    pairing.until = until
    pairing.end_reason = reason.strip()
    pairing.version += 1
    pairing.full_clean()
    pairing.save()
    old, new = audit.diff(before, audit.snapshot(pairing, PAIRING_AUDITED))
    audit.record(actor=by, action="pairing.ended", obj=pairing, before=old, after=new, parent=pairing.enterprise)
    return pairing


# Visits ------------------------------------------------------------------------------------
def clean_photo(upload: Any) -> ContentFile[bytes]:
    """The stored copy of an uploaded photo: turned upright, at most PHOTO_MAX_SIDE pixels on its
    long side, re-encoded without EXIF (which carries GPS position, device and time)."""
    from PIL import Image, ImageOps

    validate_photo(upload)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original) or original
        image = image.convert("RGB")
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: none is written
    upload.seek(0)
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "photo"))[0] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem[:40]}.jpg")


def _cleaned_photos(photos: Sequence[Any]) -> list[ContentFile[bytes]]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"一次最多上传 {MAX_PHOTOS} 张照片"})
    cleaned, errors = [], []
    for upload in photos:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"photos": errors})
    return cleaned


@transaction.atomic
def visit_record(
    *,
    by: User,
    enterprise: Enterprise,
    visited_on: dt.date,
    mode: str,
    participants: str = "",
    answers: dict[str, Any] | None = None,
    notes: str = "",
    needs: Iterable[tuple[str, str]] = (),
    photos: Sequence[Any] = (),
    cadre: Official | None = None,
) -> Visit:
    """A visit with its answers; the flag rules run on the answers in the same transaction, and
    each need (description, category) is kept on the visit, ready to become a problem."""
    today = clock.today()
    errors: dict[str, Any] = {}
    if visited_on > today:
        errors["visited_on"] = "走访日期不能晚于今天"
    try:
        cleaned_answers = instrument.clean_answers(answers or {})
    except ValidationError as exc:
        errors.update({f"answers.{k}": v for k, v in exc.message_dict.items()})
        cleaned_answers = {}
    try:
        stored_photos = _cleaned_photos(list(photos))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        stored_photos = []
    if errors:
        raise ValidationError(errors)
    if not can_record_visit(by, enterprise.pk, visited_on):
        raise PermissionDeniedError("只有该企业的包联干部（或组织单位）可以记录走访")
    if cadre is None:
        if by.official is None:
            raise ValidationError({"cadre": "请选择包联干部"})
        cadre = by.official
    pairing = (
        Pairing.objects.filter(cadre=cadre, enterprise=enterprise).active_on(visited_on).order_by("-since").first()
    )
    if pairing is None:
        raise ValidationError({"cadre": f"{cadre.name}在 {visited_on:%Y-%m-%d} 没有包联该企业"})
    visit = Visit(
        district_id=enterprise.district_id,
        enterprise=enterprise,
        cadre=cadre,
        pairing=pairing,
        visited_on=visited_on,
        mode=mode,
        participants=participants.strip(),
        answers=cleaned_answers,
        notes=notes.strip(),
        recorded_by=by,
    )
    visit.full_clean()
    visit.save()
    for content in stored_photos:
        photo = VisitPhoto(visit=visit)
        photo.image.save(content.name or "photo.jpg", content, save=False)
        photo.save()
    raised = flags.evaluate(visit)
    VisitFlag.objects.bulk_create([VisitFlag(visit=visit, rule=rule, message=msg) for rule, msg in raised])
    need_rows = []
    for description, category in needs:
        description = description.strip()
        if not description:
            continue
        need = VisitNeed(visit=visit, description=description, category=category or Category.OTHER)
        need.full_clean(exclude=["visit"])
        need_rows.append(need)
    VisitNeed.objects.bulk_create(need_rows)
    after = audit.snapshot(visit, VISIT_AUDITED)
    after.update(
        {
            "photos": len(stored_photos),
            "flags": [r.name for r, _ in raised],
            "needs": [n.description for n in need_rows],
        }
    )
    audit.record(actor=by, action="visit.recorded", obj=visit, after=after, parent=enterprise)
    if raised:
        _tell(
            organisers(visit.district_id),
            subject=f"走访预警：{enterprise.name}",
            body="；".join(f"{r.name}（{m}）" for r, m in raised),
            link=reverse("service:visit", args=[visit.pk]),
            obj=visit,
            by=by,
        )
    return visit


# Needs → problems ----------------------------------------------------------------------------
def organisers(district_id: int | None) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.ECONOMY, region_id=district_id or 0))


def supervisors(district_id: int | None) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.SUPERVISION, region_id=district_id or 0))


def cadres_of(enterprise_id: int | None, day: dt.date) -> list[User]:
    """The accounts of the cadres paired with the enterprise on `day`."""
    if enterprise_id is None:
        return []
    officials = Pairing.objects.filter(enterprise_id=enterprise_id).active_on(day).values("cadre_id")
    return list(User.objects.filter(is_active=True, official_id__in=officials))


def _tell(recipients: Iterable[User], *, subject: str, body: str, link: str, obj: Any, by: User | None) -> None:
    people = [u for u in recipients if by is None or u.pk != by.pk]
    if people:
        notify.notify(recipients=people, event=Event.OTHER, subject=subject, body=body, link=link, obj=obj, actor=by)


@transaction.atomic
def need_to_problem(*, need: VisitNeed, by: User, expected_version: int | None = None) -> Problem:
    """One tap: the need becomes a problem of the closed loop (来源 走访, the enterprise, the
    cadre as raiser); the organiser and 督查室 are told so it reaches someone at once."""
    visit = need.visit
    if not can_raise_need(by, visit):
        raise PermissionDeniedError("只有走访的包联干部（或组织单位）可以把需求转为问题")
    check_version(need, expected_version)
    locked = VisitNeed.objects.select_for_update().get(pk=need.pk)
    if locked.problem_id is not None:
        raise ValidationError({"problem": f"该需求已转为问题 {locked.problem}"})
    problem = problem_services.problem_raise(
        by=by,
        description=need.description,
        category=need.category,
        origin=Origin.VISIT,
        enterprise=visit.enterprise,
        origin_note=f"{visit.visited_on:%Y年%-m月%-d日}{visit.cadre.name}走访{visit.enterprise.name}时收集",
        raised_on=visit.visited_on,
    )
    need.problem = problem
    need.version += 1
    need.save(update_fields=["problem", "version", "updated_at"])
    audit.record(
        actor=by,
        action="visit.need_raised",
        obj=need,
        after={"problem": problem.code, "description": need.description},
        parent=visit.enterprise,
    )
    _tell(
        [*organisers(visit.district_id), *supervisors(visit.district_id)],
        subject=f"企业需求：{visit.enterprise.name}",
        body=f"{need.description}\n问题编号：{problem.code}（待交办）",
        link=reverse("problems:detail", args=[problem.pk]),
        obj=problem,
        by=by,
    )
    return problem


@transaction.atomic
def portal_need_submit(*, by: User, description: str, category: str = Category.OTHER) -> Problem:
    """The enterprise contact's own need: a problem (来源 企业) that its cadre, the organiser and
    督查室 hear about at once."""
    if by.role != Role.ENTERPRISE or by.enterprise_id is None:
        raise PermissionDeniedError("只有企业联系人可以在此提交需求")
    if not description.strip():
        raise ValidationError({"description": "请填写需求内容"})
    problem = problem_services.problem_raise(by=by, description=description, category=category)
    _tell(
        [
            *cadres_of(by.enterprise_id, clock.today()),
            *organisers(problem.district_id),
            *supervisors(problem.district_id),
        ],
        subject=f"企业需求：{problem.enterprise}",
        body=f"{problem.description}\n问题编号：{problem.code}（待交办）",
        link=reverse("problems:detail", args=[problem.pk]),
        obj=problem,
        by=by,
    )
    return problem


def problem_followers(problem: Problem) -> list[User]:
    """Who hears of each hand-off of an enterprise's problem: its paired cadres, and for a need
    raised on a visit the enterprise's contacts, who confirm and rate it (problems/services.py
    calls this through its FOLLOWERS registry, so problems does not import this app)."""
    if problem.enterprise_id is None:
        return []
    people = cadres_of(problem.enterprise_id, clock.today())
    if problem.origin == Origin.VISIT:
        people += list(User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_id=problem.enterprise_id))
    return people
