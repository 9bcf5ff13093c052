from __future__ import annotations

from django import forms

from zhaoluo.core.forms import style_form


class UploadForm(forms.Form):
    file = forms.FileField(
        label="台账文件",
        help_text="Excel 工作簿（.xlsx）或 CSV（UTF-8 或 GBK 编码均可）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    strict = forms.BooleanField(
        label="严格模式",
        required=False,
        help_text="系统中没有的单位、镇街、干部、产业集群视为错误，而不是自动新建",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        style_form(self)
