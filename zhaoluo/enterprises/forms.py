"""The enterprise edit form: the registry's editable columns plus the version read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model, model_to_dict

from zhaoluo.chains.models import Cluster
from zhaoluo.core.forms import DateInput, StyledFormMixin, style_form
from zhaoluo.orgs import selectors as org_selectors

from .models import Enterprise
from .services import EDITABLE_FIELDS

DATE_FIELDS = ("above_scale_since", "high_tech_since", "listing_since")


class EnterpriseForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(Enterprise, fields=EDITABLE_FIELDS).items():
            if name in DATE_FIELDS:
                field.widget = DateInput()
            self.fields[name] = field
        self.fields["township"].queryset = org_selectors.townships(user=user)  # type: ignore[attr-defined]
        self.fields["cluster"].queryset = Cluster.objects.all()  # type: ignore[attr-defined]
        for name in ("products", "needs"):
            self.fields[name].widget.attrs["rows"] = 2
        style_form(self)

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict[str, Any]:
        data = model_to_dict(enterprise, fields=EDITABLE_FIELDS)
        data["version"] = enterprise.version
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
