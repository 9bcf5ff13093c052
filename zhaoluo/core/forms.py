"""Form helpers shared by every app: Bootstrap styling, month input, multiple uploads,
and turning a service's ValidationError into field errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from . import parsing
from .validators import validate_plausible_date


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Give each widget its Bootstrap class (once)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        existing = widget.attrs.get("class", "")
        if css not in existing.split():
            widget.attrs["class"] = f"{existing} {css}".strip()
    return form


def friendly_empty_labels(form: forms.BaseForm, label: str = "全部") -> None:
    """Filter forms say "全部" instead of Django's "---------"."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            field.empty_label = label
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices = list(field.choices)  # type: ignore[arg-type]
            if choices and choices[0][0] == "":
                field.choices = [("", "默认" if name == "ordering" else label), *choices[1:]]


class StyledFormMixin:
    """Mixin for forms: Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)  # type: ignore[arg-type]
        # Every date typed into a form lies in the plausible window (core/dates.py), reported
        # against its field before any service runs. The fields are this form's own copies.
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                field.validators.append(validate_plausible_date)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.Field):
    """A month (期间): `2020-03`, `2020/3`, `2020年3月`; cleaned to the month's first day."""

    widget = MonthInput
    default_error_messages = {"invalid": "请输入月份，例如 2020-03"}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        try:
            return parsing.month(value)
        except parsing.ParseError as exc:
            raise ValidationError(exc.message, code="invalid") from exc


class UsccField(forms.CharField):
    """统一社会信用代码 (GB 32100-2015), normalised as the ledgers normalise it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)  # full-width input is longer before normalising
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        try:
            return parsing.uscc(super().to_python(value)) or ""
        except parsing.ParseError as exc:
            raise ValidationError(exc.message, code="invalid") from exc


class NationalProjectCodeField(forms.CharField):
    """全国投资项目代码, stored hyphenated whatever width or hyphens the clerk typed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 60)  # full-width input is longer before normalising
        kwargs.setdefault("help_text", "如 2020-320506-39-03-512345，可不带横线、可用全角")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        try:
            return parsing.national_project_code(super().to_python(value)) or ""
        except parsing.ParseError as exc:
            raise ValidationError(exc.message, code="invalid") from exc


class AmountField(forms.DecimalField):
    """万元, read the way the ledgers read it: `15,000`, `1.5亿元`, `15000万`, full-width digits."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("help_text", "可填 15000、15,000、1.5亿 或 15000万")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs type DecimalField via IntegerField
        if value in self.empty_values:
            return None
        try:
            return parsing.amount(value)
        except parsing.ParseError as exc:
            raise ValidationError(exc.message, code="invalid") from exc

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # a text input: min/step attributes would make the browser refuse "1.5亿"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several images in one input; each is checked to be a real image (Pillow)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def mark_invalid(form: forms.BaseForm) -> None:
    """Bootstrap's red border on every field that has an error."""
    for name in form.errors:
        field = form.fields.get(name)
        if field is not None:
            css = field.widget.attrs.get("class", "")
            if "is-invalid" not in css.split():
                field.widget.attrs["class"] = f"{css} is-invalid".strip()


def apply_service_errors(
    form: forms.BaseForm,
    exc: ValidationError,
    aliases: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    it, else as a form error naming the field in Chinese."""
    aliases = aliases or {}
    labels = labels or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, messages in exc.message_dict.items():
        name = aliases.get(key, key)
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
            elif key == "__all__" or name == "__all__":
                form.add_error(None, message)
            else:
                label = labels.get(key, key)
                form.add_error(None, f"{label}：{message}")


def field_labels(model: Any, names: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        try:
            out[name] = str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 - a non-field key keeps its name
            out[name] = name
    return out
