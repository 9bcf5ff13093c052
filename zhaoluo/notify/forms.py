"""The channel form. The webhook address and the signing secret are write-only: the form never shows them back."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoluo.core.forms import style_form

from .choices import ChannelKind, Event, MessageFormat
from .models import Channel
from .senders import mask_secret, mask_url


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label="渠道类型", choices=ChannelKind.choices)
    name = forms.CharField(label="名称", max_length=64, help_text="例如：招商专班群机器人")
    enabled = forms.BooleanField(label="启用", required=False, initial=True)
    webhook_url = forms.CharField(
        label="Webhook 地址",
        max_length=500,
        required=False,
        help_text="群机器人设置中复制的完整地址；电子邮件渠道不填",
    )
    secret = forms.CharField(
        label="加签密钥",
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="仅钉钉：机器人安全设置选“加签”时以 SEC 开头的密钥",
    )
    clear_secret = forms.BooleanField(label="清除已保存的加签密钥", required=False)
    events = forms.MultipleChoiceField(
        label="通知类别", choices=Event.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    message_format = forms.ChoiceField(label="消息格式", choices=MessageFormat.choices, initial=MessageFormat.TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, channel: Channel | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel is None:
            del self.fields["clear_secret"], self.fields["version"]
            self.fields["events"].initial = list(Event.values)
        else:
            # The kind is fixed once created; what is stored is shown masked, and a blank field keeps it.
            del self.fields["kind"]
            self.fields["version"].required = True
            if channel.webhook_url:
                self.fields["webhook_url"].help_text = f"已保存：{mask_url(channel.webhook_url)}；留空则不修改"
            if channel.secret:
                self.fields["secret"].help_text = f"已保存：{mask_secret(channel.secret)}；留空则不修改"
            else:
                del self.fields["clear_secret"]
        style_form(self)

    @staticmethod
    def initial_for(channel: Channel) -> dict[str, Any]:
        return {
            "name": channel.name,
            "enabled": channel.enabled,
            "events": list(channel.events or []),
            "message_format": channel.message_format,
            "version": channel.version,
        }

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.cleaned_data["name"],
            "enabled": self.cleaned_data["enabled"],
            "events": list(self.cleaned_data["events"]),
            "message_format": self.cleaned_data["message_format"],
        }
        if self.channel is None:
            data["kind"] = self.cleaned_data["kind"]
        url = self.cleaned_data["webhook_url"].strip()
        if url or self.channel is None:
            data["webhook_url"] = url
        if self.cleaned_data.get("clear_secret"):
            data["secret"] = ""
        elif self.cleaned_data["secret"].strip() or self.channel is None:
            data["secret"] = self.cleaned_data["secret"].strip()
        return data
