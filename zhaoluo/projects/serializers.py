"""API serializers for projects: reads expose ids plus names, codes plus `_display` labels;
writes only validate input, which the API hands to the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhaoluo.chains.models import ChainLink, Cluster
from zhaoluo.core.api_support import (
    AmountField,
    LabelledErrorsMixin,
    NationalProjectCodeField,
    ScopedPrimaryKeyField,
    VersionedMixin,
    date_field,
    evidence_field,
    month_field,
    unscoped,
    version_field,
)
from zhaoluo.core.models import AuditEvent
from zhaoluo.core.uploads import MAX_PHOTOS, validate_photo
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.enterprises.selectors import enterprise_list
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Official, Region, Unit

from .choices import FundOrigin, Stage
from .models import FundArrival, Milestone, ProgressPhoto, ProgressReport, Project, StageTransition, TaskForceMember
from .selectors import project_list
from .services import EDITABLE_FIELDS

AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


def _name(source: str, label: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, allow_null=True, label=label)


# ---------------------------------------------------------------- reads


class LightReasonSerializer(serializers.Serializer[dict[str, str]]):
    rule = serializers.CharField(help_text="规则编号")
    rule_name = serializers.CharField()
    level = serializers.CharField(help_text="red / yellow")
    message = serializers.CharField()


class TaskForceMemberSerializer(serializers.ModelSerializer[TaskForceMember]):
    official_name = _name("official.name", "成员姓名")
    unit_name = _name("official.unit.name", "成员单位")

    class Meta:
        model = TaskForceMember
        fields = ["id", "official", "official_name", "unit_name", "is_lead", "duty"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    project_name = _name("project.name", "项目名称")

    class Meta:
        model = Milestone
        fields = ["id", "project", "project_name", "name", "planned_on", "actual_on", "weight", "version"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer[Project]):
    """One project in a list (prefetch task_force and milestones for six_ones_missing)."""

    district_name = _name("district.name", "所属区")
    enterprise_name = _name("enterprise.name", "项目企业")
    township_name = _name("township.name", "所属镇街")
    cluster_name = _name("cluster.name", "产业集群")
    chain_link_name = serializers.SerializerMethodField(label="产业链环节")
    leader_name = _name("leader.name", "包保领导")
    lead_unit_name = _name("lead_unit.name", "牵头单位")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    light_display = serializers.CharField(source="get_light_display", read_only=True)
    light_reasons = LightReasonSerializer(many=True, read_only=True)
    is_100m = serializers.BooleanField(read_only=True, label="亿元以上")
    six_ones_missing = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="六个一中尚未落实的项（包保领导、牵头单位、专班、方案）",
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "national_code",
            "name",
            "investor",
            "investor_uscc",
            "district",
            "district_name",
            "enterprise",
            "enterprise_name",
            "township",
            "township_name",
            "cluster",
            "cluster_name",
            "chain_link",
            "chain_link_name",
            "kind",
            "kind_display",
            "planned_investment",
            "is_key",
            "is_strategic",
            "is_100m",
            "source",
            "leader",
            "leader_name",
            "lead_unit",
            "lead_unit_name",
            "green_channel",
            "stage",
            "stage_display",
            "signed_on",
            "started_on",
            "producing_on",
            "at_capacity_on",
            "terminated_on",
            "termination_reason",
            "light",
            "light_display",
            "light_reasons",
            "light_at",
            "six_ones_missing",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_chain_link_name(self, project: Project) -> str | None:
        return str(project.chain_link) if project.chain_link_id else None


class ProjectDetailSerializer(ProjectSerializer):
    task_force = TaskForceMemberSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "description", "task_force", "milestones"]
        read_only_fields = fields


def project_file_url(project_id: int, kind: str, file_id: int) -> str:
    """The scoped file view: it answers only to users who can see the project (never /media/)."""
    return reverse("projects:file", args=[project_id, kind, file_id])


# A path on this site (relative, like the pages' own links), not an absolute URL.
FILE_LINK = {"type": "string", "format": "uri-reference"}


class StageTransitionSerializer(serializers.ModelSerializer[StageTransition]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    from_stage_display = serializers.CharField(source="get_from_stage_display", read_only=True)
    to_stage_display = serializers.CharField(source="get_to_stage_display", read_only=True)
    by_name = serializers.CharField(source="by.display_name", read_only=True, allow_null=True, label="操作人")
    evidence = serializers.SerializerMethodField(
        label="佐证材料", help_text="佐证材料的下载地址（需登录且能查看该项目）；无材料为 null"
    )

    class Meta:
        model = StageTransition
        fields = [
            "id",
            "kind",
            "kind_display",
            "from_stage",
            "from_stage_display",
            "to_stage",
            "to_stage_display",
            "on",
            "by",
            "by_name",
            "note",
            "evidence",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field({**FILE_LINK, "nullable": True})
    def get_evidence(self, transition: StageTransition) -> str | None:
        if not transition.evidence:
            return None
        return project_file_url(transition.project_id, "evidence", transition.pk)


class ProgressPhotoSerializer(serializers.ModelSerializer[ProgressPhoto]):
    image = serializers.SerializerMethodField(label="照片", help_text="照片地址（需登录且能查看该项目）")

    class Meta:
        model = ProgressPhoto
        fields = ["id", "image", "caption"]
        read_only_fields = fields

    @extend_schema_field(FILE_LINK)
    def get_image(self, photo: ProgressPhoto) -> str:
        # photo.report is the report the photos were read through: no query.
        return project_file_url(photo.report.project_id, "photo", photo.pk)


class ProgressReportSerializer(serializers.ModelSerializer[ProgressReport]):
    photos = ProgressPhotoSerializer(many=True, read_only=True)
    reported_by_name = serializers.CharField(
        source="reported_by.display_name", read_only=True, allow_null=True, label="填报人"
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "period",
            "completed_investment",
            "image_progress",
            "text",
            "reported_by",
            "reported_by_name",
            "photos",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FundSerializer(serializers.ModelSerializer[FundArrival]):
    project_name = _name("project.name", "项目名称")
    origin_display = serializers.CharField(source="get_origin_display", read_only=True)

    class Meta:
        model = FundArrival
        fields = ["id", "project", "project_name", "period", "amount", "origin", "origin_display", "version"]
        read_only_fields = fields


class TimelineEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "note",
            "source",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------- writes


def _fk(model: type[Any], scoped: Any, label: str) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(model=model, scoped=scoped, label=label, required=False, allow_null=True)


class ProjectWriteSerializer(LabelledErrorsMixin, serializers.ModelSerializer[Project]):
    """The fields a client may set (services.EDITABLE_FIELDS); stage moves by transitions."""

    stage = serializers.ChoiceField(
        label="初始阶段",
        choices=[(Stage.LEAD, Stage.LEAD.label), (Stage.NEGOTIATING, Stage.NEGOTIATING.label)],
        required=False,
        help_text="仅新建时：线索或在谈（默认在谈）；之后用 advance 推进",
    )
    planned_investment = AmountField(label="计划总投资（万元）")
    national_code = NationalProjectCodeField(label="全国投资项目代码")
    leader = _fk(Official, org_selectors.officials, "包保领导")
    lead_unit = _fk(Unit, org_selectors.units, "牵头单位")
    township = _fk(Region, org_selectors.townships, "所属镇街")
    enterprise = _fk(Enterprise, enterprise_list, "项目企业")
    cluster = _fk(Cluster, unscoped(Cluster.objects.all), "产业集群")
    chain_link = _fk(ChainLink, unscoped(lambda: ChainLink.objects.select_related("chain")), "产业链环节")

    class Meta:
        model = Project
        fields = [*EDITABLE_FIELDS, "stage"]
        # Uniqueness is the service's full_clean; one place, one message.
        extra_kwargs: dict[str, dict[str, Any]] = {"name": {"validators": []}, "code": {"validators": []}}


class ProjectCreateSerializer(ProjectWriteSerializer):
    pass


class ProjectUpdateSerializer(VersionedMixin, ProjectWriteSerializer):
    version = version_field()

    class Meta(ProjectWriteSerializer.Meta):
        fields = [*EDITABLE_FIELDS, "version"]


class AdvanceSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    to = serializers.ChoiceField(label="目标阶段", choices=Stage.choices, help_text="只能推进到下一阶段")
    on = date_field("日期", help_text="到达该阶段的日期，不能晚于今天")
    note = serializers.CharField(label="说明", required=False, allow_blank=True, default="")
    evidence = evidence_field()
    version = version_field()


class TerminateSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    on = date_field("日期")
    reason = serializers.CharField(label="原因", allow_blank=True)
    evidence = evidence_field()
    version = version_field()


class ReopenSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    on = date_field("日期")
    reason = serializers.CharField(label="原因", allow_blank=True)
    version = version_field()


class MilestoneDeleteSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    """DELETE /api/milestones/{id}/ carries the version read, as ?version=N or a JSON body."""

    version = version_field()


class MemberInputSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    official = ScopedPrimaryKeyField(model=Official, scoped=org_selectors.officials, label="成员")
    is_lead = serializers.BooleanField(label="专班负责人", default=False)
    duty = serializers.CharField(label="分工", max_length=64, required=False, allow_blank=True, default="")


class TaskForceInputSerializer(VersionedMixin, LabelledErrorsMixin, serializers.Serializer[Any]):
    members = MemberInputSerializer(label="专班成员", many=True)
    version = version_field()


class MilestoneCreateSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    name = serializers.CharField(label="节点", max_length=64)
    planned_on = date_field("计划完成日期")
    actual_on = date_field("实际完成日期", required=False, allow_null=True)
    weight = serializers.DecimalField(
        label="权重",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        default=Decimal("1"),
    )


class MilestoneUpdateSerializer(VersionedMixin, MilestoneCreateSerializer):
    version = version_field()


class ProgressInputSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    period = month_field("月份")
    completed_investment = AmountField(label="本月完成投资（万元）")
    image_progress = serializers.IntegerField(label="形象进度（%）", min_value=0, max_value=100)
    text = serializers.CharField(label="进展情况", required=False, allow_blank=True, default="")
    photos = serializers.ListField(
        label="照片",
        child=serializers.ImageField(validators=[validate_photo]),
        required=False,
        default=list,
        max_length=MAX_PHOTOS,
        help_text="JPG/PNG，multipart/form-data 上传，可多张",
    )


class FundInputSerializer(LabelledErrorsMixin, serializers.Serializer[Any]):
    project = ScopedPrimaryKeyField(model=Project, scoped=project_list, label="项目")
    period = month_field("期间")
    amount = AmountField(label="到位资金（万元）")
    origin = serializers.ChoiceField(label="资金来源", choices=FundOrigin.choices, default=FundOrigin.OUT_OF_PROVINCE)
