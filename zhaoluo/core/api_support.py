"""Building blocks every app's `api.py` shares.

- `ApiMixin`: token first, then session, so an anonymous call gets 401 (not 403).
- `errors(...)`: the documented error responses (one JSON shape, see core/api.py).
- `LabelledErrorsMixin`: a field error names its field in Chinese ("计划总投资（万元）：…").
- `service_errors(...)`: a service's Django ValidationError becomes a 400 keyed by API field names.
- `VersionedMixin`: an update must say which version it was based on (optimistic lock, 409).
- Upload checks: size limit, extension allowlist and magic bytes.
- `create_once(...)`: a create made safe to retry with an `Idempotency-Key` header.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from . import idempotency, parsing
from .api import validation_fields
from .uploads import validate_evidence
from .validators import validate_plausible_date

if TYPE_CHECKING:
    # settings.AUTH_USER_MODEL, as django-stubs resolves it (the kernel imports no app).
    from django.contrib.auth.models import _User as User
    from rest_framework.permissions import _PermissionClass

# ---------------------------------------------------------------- views


class ApiMixin:
    # Authentication is settings.REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES, which the
    # views inherit: the accounts app's gated token first (its `WWW-Authenticate` header makes
    # an anonymous call answer 401), then the session. Named there, not here: the kernel
    # imports no app. (A comment, not a docstring: the schema would show it on every operation.)

    permission_classes: Sequence[_PermissionClass] = [IsAuthenticated]


def acting_user(request: Request) -> User:
    """The caller of an authenticated view (IsAuthenticated has turned anonymous ones away)."""
    return cast("User", request.user)


# ---------------------------------------------------------------- documented errors


class ErrorBodySerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="invalid / not_authenticated / permission_denied / not_found / conflict …")
    message = serializers.CharField(help_text="给用户看的中文说明")
    # The metaclass pops declared fields, so this does not shadow Serializer.fields at run time.
    fields = serializers.DictField(  # type: ignore[assignment]
        # A flat field has a list of reasons; a nested one (task-force `members`) a list with an
        # object of reasons per item, or an object of reasons per sub-field.
        child=serializers.JSONField(),
        required=False,
        help_text=(
            "400：按字段列出的原因，键为接口字段名，值为中文原因列表；嵌套字段（如 members）为逐项的对象列表"
            "（无误的项为空对象）；non_field_errors 为整体原因"
        ),
    )
    current_version = serializers.IntegerField(required=False, help_text="409：记录的当前版本")
    changes = serializers.DictField(required=False, help_text="409：他人已修改的字段及其当前值")
    request_id = serializers.CharField(
        required=False, help_text="500：请求编号（同响应头 X-Request-ID），报告问题时请提供"
    )


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorBodySerializer()


_ERROR_TEXT = {
    400: "提交的数据有误：error.fields 按字段列出中文原因",
    401: "未登录或令牌无效",
    403: "没有权限执行此操作",
    404: "记录不存在或不在您的查看范围内",
    409: "记录已被他人修改（版本冲突）：error.changes 列出已变化的字段，请刷新后重试",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error responses an operation documents; 401 is always among them."""
    wanted = sorted({401, *codes})
    return {code: OpenApiResponse(response=ErrorSerializer, description=_ERROR_TEXT[code]) for code in wanted}


# ---------------------------------------------------------------- field errors


def _with_label(message: Any, label: str) -> Any:
    text = str(message)
    if not label or text.startswith(label):
        return message
    return ErrorDetail(f"{label}：{text}", code=getattr(message, "code", "invalid"))


def labelled(detail: Any, fields: Mapping[str, serializers.Field[Any, Any, Any, Any]]) -> Any:
    """Prefix each flat field error with the field's Chinese label unless it already names it."""
    if not isinstance(detail, Mapping):
        return detail
    out: dict[str, Any] = {}
    for key, messages in detail.items():
        field = fields.get(key)
        label = str(field.label) if field is not None and field.label else ""
        if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
            out[key] = [_with_label(m, label) for m in messages]
        else:
            out[key] = messages
    return out


class LabelledErrorsMixin:
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(labelled(exc.detail, self.fields)) from exc


@contextlib.contextmanager
def service_errors(
    serializer: serializers.BaseSerializer[Any], rename: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Turn a service's ValidationError into a 400 keyed by the serializer's field names."""
    try:
        yield
    except DjangoValidationError as exc:
        fields = validation_fields(exc)
        renamed = {(rename or {}).get(key, key): messages for key, messages in fields.items()}
        raise serializers.ValidationError(labelled(renamed, getattr(serializer, "fields", {}))) from exc


VERSION_REQUIRED = "请提交您读取时得到的版本号 version，以免覆盖他人的修改"


class VersionedMixin:
    """PATCH/PUT must carry `version`; partial updates skip `required`, so check here."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("version") is None:
            raise serializers.ValidationError({"version": [f"版本号：{VERSION_REQUIRED}"]})
        return attrs


def version_field(required: bool = True) -> serializers.IntegerField:
    return serializers.IntegerField(
        label="版本号",
        min_value=1,
        required=required,
        error_messages={"required": VERSION_REQUIRED, "null": VERSION_REQUIRED},
        help_text="读取时得到的 version；记录已被他人修改时返回 409",
    )


def yes_no(request: Request, name: str, *, label: str) -> bool:
    """A yes/no query parameter read as the filters read one (core/filtering.py): true/false/1/0,
    absent or empty is no; anything else is refused, not taken for "no"."""
    from .filtering import FALSE_VALUES, TRUE_VALUES

    value = request.query_params.get(name)
    if value is None or value == "" or value in FALSE_VALUES:
        return False
    if value in TRUE_VALUES:
        return True
    raise serializers.ValidationError({name: [f"{label}：应为 true 或 false（也可写 1 或 0）"]})


UNMASK_VALUES = ("0", "1")


def unmask_requested(request: Request) -> bool:
    """`?unmask=1` asks for full contact data; `0` or no parameter for masked data. Anything
    else is refused rather than read as "masked", so a typo never looks like a decision."""
    value = request.query_params.get("unmask")
    if value is None or value == "0":
        return False
    if value == "1":
        return True
    raise serializers.ValidationError(
        {"unmask": ["完整联系方式 unmask：只能为 1（返回完整联系方式）或 0（脱敏），不需要时不带此参数"]}
    )


# ---------------------------------------------------------------- uploads


def evidence_field() -> serializers.FileField:
    return serializers.FileField(
        label="佐证材料",
        required=False,
        allow_null=True,
        validators=[validate_evidence],
        help_text="PDF、图片、Word 或 Excel（multipart/form-data 上传）",
    )


def request_user(serializer: serializers.BaseSerializer[Any]) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A foreign key the caller may only point at records their selector returns.

    `scoped(user=...)` is a selector; an id outside it is refused as "不存在" (400).
    """

    def __init__(self, *, model: type[Any], scoped: Any, **kwargs: Any) -> None:
        self.scoped = scoped
        kwargs.setdefault(
            "error_messages",
            {"does_not_exist": "编号 {pk_value} 不存在或不在您的查看范围内", "incorrect_type": "编号应为整数"},
        )
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return self.scoped(user=getattr(request, "user", None))


def unscoped(queryset: Callable[[], QuerySet[Any]]) -> Callable[..., QuerySet[Any]]:
    """The `scoped` of a ScopedPrimaryKeyField for shared reference data every user may pick
    (产业集群, 产业链环节): the same rows whoever asks."""

    def everyone(*, user: Any) -> QuerySet[Any]:
        del user
        return queryset()

    return everyone


def date_field(label: str, **kwargs: Any) -> serializers.DateField:
    return serializers.DateField(
        label=label,
        error_messages={"invalid": "应为真实存在的日期，格式 YYYY-MM-DD"},
        validators=[validate_plausible_date],
        **kwargs,
    )


def month_field(label: str, **kwargs: Any) -> serializers.DateField:
    return serializers.DateField(
        label=label,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": "应为真实存在的月份，格式 YYYY-MM（或该月任一天 YYYY-MM-DD）"},
        help_text="YYYY-MM 或该月任一日期",
        validators=[validate_plausible_date],
        **kwargs,
    )


# ---------------------------------------------------------------- values


class AmountField(serializers.DecimalField):
    """万元, accepted as the ledgers accept it (`15000`, `"15,000"`, `"1.5亿元"`); shown as a decimal string."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        try:
            value = parsing.amount(data)
        except parsing.ParseError as exc:
            raise serializers.ValidationError(exc.message) from exc
        if value is None:
            self.fail("invalid")
        return super().to_internal_value(value)


class NationalProjectCodeField(serializers.CharField):
    """全国投资项目代码: full-width or bare 20-digit input accepted, the hyphenated form stored."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "如 2020-320506-39-03-512345；可不带横线、可用全角，保存为带横线的形式")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        try:
            return parsing.national_project_code(super().to_internal_value(data)) or ""
        except parsing.ParseError as exc:
            raise serializers.ValidationError(exc.message) from exc


# ---------------------------------------------------------------- idempotent creates


IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.UUID,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "可选：客户端生成的 UUID。同一令牌重复提交不会重复创建，返回首次创建的记录（响应头 Idempotent-Replayed: true）"
    ),
)


def create_once(
    request: Request,
    scope: str,
    create: Callable[[], Any],
    respond: Callable[[Any], Response],
) -> Response:
    """A POST that creates, made safe to retry with an `Idempotency-Key` header (a UUID).

    The first request with a key creates and answers as usual; a repeat with the same key
    creates nothing and answers with the record the first one made, marked
    `Idempotent-Replayed: true`. Without the header the request runs as before.
    """
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    outcome = idempotency.run_once(
        user=request.user, key=key, scope=scope, create=create, describe=lambda obj: (obj, "")
    )
    if not isinstance(outcome, idempotency.Replay):
        return respond(outcome)
    obj = outcome.instance()
    if obj is None:
        raise Http404("该提交令牌对应的记录已不存在")
    response = respond(obj)
    response[idempotency.REPLAYED_HEADER] = "true"
    return response
