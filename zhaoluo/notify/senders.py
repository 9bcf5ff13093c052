"""Sending one delivery: e-mail through Django's mail backend, WeCom and DingTalk group robots over HTTP.

Each sender either returns (sent) or raises SendError. Both robot APIs answer HTTP 200 with
`{"errcode": …, "errmsg": …}` and report most failures (bad key, bad signature, rate limit,
keyword missing) in errcode, so a 200 is not a success until errcode is 0.

Formats (WeCom 群机器人 and DingTalk 自定义机器人 documentation):
- WeCom: POST {"msgtype": "text", "text": {"content": …}} (content ≤ 2048 bytes UTF-8) or
  {"msgtype": "markdown", "markdown": {"content": …}} (≤ 4096 bytes).
- DingTalk: POST {"msgtype": "text", "text": {"content": …}} or
  {"msgtype": "markdown", "markdown": {"title": …, "text": …}}; with 加签 the URL carries
  `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(key=secret, msg="{timestamp}\n{secret}"))).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.core.mail import send_mail

from .choices import MessageFormat

# httpx logs every request's full URL at INFO, and a webhook URL carries the robot's key (and DingTalk's
# signature): with ZHAOLUO_LOG_LEVEL=INFO the keys would end up in the logs.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)

WECOM_TEXT_LIMIT = 2048
WECOM_MARKDOWN_LIMIT = 4096
# DingTalk documents no byte limit as plainly as WeCom; the same 4096 keeps far below what it accepts.
DINGTALK_LIMIT = 4096
ERROR_LIMIT = 500


class SendError(Exception):
    """A failed send. `transport` marks an unreachable or hanging endpoint (skip its channel for this run);
    `retry=False` marks a failure no retry can fix (a recipient without an e-mail address)."""

    def __init__(self, message: str, *, transport: bool = False, retry: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.transport = transport
        self.retry = retry


@dataclass(frozen=True)
class Outgoing:
    """What every channel renders: a heading, the text, who it concerns and where to look."""

    heading: str  # 【招落通·交办】
    subject: str
    body: str
    url: str = ""
    audience: str = ""


# ---------------------------------------------------------------- masking


def mask_secret(value: str) -> str:
    """Enough to recognise which secret is set, never enough to use it."""
    if not value:
        return ""
    if len(value) <= 12:
        return "****"
    return f"{value[:3]}****{value[-4:]}"


def mask_url(url: str) -> str:
    """The webhook with every query value masked: the key / access_token is what lets anyone post to the group."""
    if not url:
        return ""
    parts = urlsplit(url)
    # Joined by hand: urlencode would turn the mask's * into %2A, which reads as noise.
    query = "&".join(f"{k}={mask_secret(v) or '****'}" for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def scrub(text: str, *secrets: str) -> str:
    """An error message fit for the delivery row: secrets and tokens replaced, cut to ERROR_LIMIT."""
    for secret in secrets:
        for value in (secret, *(v for _k, v in parse_qsl(urlsplit(secret or "").query))):
            # Very short values (a test token "t") would mangle ordinary words and protect nothing.
            if value and len(value) >= 6:
                text = text.replace(value, mask_secret(value) or "****")
    return text[:ERROR_LIMIT]


# ---------------------------------------------------------------- rendering


def _safe(text: str) -> str:
    # WeCom expands <@userid> into a mention; business text must not be able to page a whole group.
    return text.replace("<@", "＜@")


_MD_ESCAPES = str.maketrans("[]<>", "［］＜＞")


def _md(text: str) -> str:
    # Business text is shown as written: no links, tags or quotes smuggled into the markdown.
    return _safe(text).translate(_MD_ESCAPES)


def _fit(build: Any, body: str, limit: int) -> str:
    """Render with the body cut (at a UTF-8 boundary, marked …) so the whole content fits `limit` bytes."""
    full: str = build(body)
    if len(full.encode()) <= limit:
        return full
    # Measured with a non-empty body: an empty one would also drop its line break from the count.
    room = limit - len(build("…").encode())
    cut = body.encode()[: max(room, 0)].decode(errors="ignore")
    return str(build(cut + "…"))


def render_text(msg: Outgoing, body: str) -> str:
    lines = [f"{msg.heading}{_safe(msg.subject)}"]
    if body:
        lines.append(_safe(body))
    if msg.audience:
        lines.append(f"接收人：{msg.audience}")
    if msg.url:
        lines.append(f"详情：{msg.url}")
    return "\n".join(lines)


def render_markdown(msg: Outgoing, body: str) -> str:
    lines = [f"### {msg.heading}{_md(msg.subject)}"]
    if body:
        lines.append(_md(body))
    if msg.audience:
        lines.append(f"> 接收人：{_md(msg.audience)}")
    if msg.url:
        lines.append(f"[查看详情]({msg.url})")
    return "\n\n".join(lines)


def wecom_payload(msg: Outgoing, fmt: str) -> dict[str, Any]:
    if fmt == MessageFormat.MARKDOWN:
        content = _fit(lambda b: render_markdown(msg, b), msg.body, WECOM_MARKDOWN_LIMIT)
        return {"msgtype": "markdown", "markdown": {"content": content}}
    content = _fit(lambda b: render_text(msg, b), msg.body, WECOM_TEXT_LIMIT)
    return {"msgtype": "text", "text": {"content": content}}


def dingtalk_payload(msg: Outgoing, fmt: str) -> dict[str, Any]:
    if fmt == MessageFormat.MARKDOWN:
        text = _fit(lambda b: render_markdown(msg, b), msg.body, DINGTALK_LIMIT)
        return {"msgtype": "markdown", "markdown": {"title": f"{msg.heading}{_md(msg.subject)}"[:64], "text": text}}
    content = _fit(lambda b: render_text(msg, b), msg.body, DINGTALK_LIMIT)
    return {"msgtype": "text", "text": {"content": content}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64 of HMAC-SHA256 keyed with the secret over "timestamp\\nsecret", URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(webhook: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return webhook
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    joiner = "&" if urlsplit(webhook).query else "?"
    return f"{webhook}{joiner}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"


# ---------------------------------------------------------------- sending


def _timeout() -> float:
    return float(settings.ZHAOLUO_NOTIFY_TIMEOUT)


# The robots' own hosts (issue #11 point 12): a channel may post there over HTTPS and nowhere else,
# unless the operator lists a gateway in ZHAOLUO_WEBHOOK_HOSTS. Any other host would let whoever
# edits a channel make the server POST into the intranet (SSRF).
ROBOT_HOSTS = {"wecom": "qyapi.weixin.qq.com", "dingtalk": "oapi.dingtalk.com"}


def webhook_refusal(url: str, kind: str) -> str:
    """Why this webhook address may not be used for this kind of robot; empty when it may."""
    parts = urlsplit(url or "")
    try:
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "Webhook 地址的端口无效"
    if parts.scheme not in ("http", "https") or not host:
        return "群机器人需要以 http:// 或 https:// 开头的 Webhook 地址"
    if parts.username is not None or parts.password is not None:
        return "Webhook 地址不能含用户名或密码"
    configured = {h.strip().lower() for h in settings.ZHAOLUO_WEBHOOK_HOSTS if h.strip()}
    if host in configured:
        return ""
    official = ROBOT_HOSTS.get(kind, "")
    if host == official and parts.scheme == "https" and port in (None, 443):
        return ""
    return (
        f"Webhook 地址只能是 https://{official}/…（机器人的官方地址）"
        if official
        else "Webhook 地址的主机不在允许范围内"
    ) + f"；如需经内网网关转发，请由运维人员把 {host} 加入 ZHAOLUO_WEBHOOK_HOSTS"


def post_robot(url: str, payload: dict[str, Any], *, hide: tuple[str, ...] = ()) -> None:
    """POST one robot message; raise SendError unless the robot answers errcode 0."""
    data = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    timeout = _timeout()
    try:
        response = httpx.post(url, content=data, headers=headers, timeout=timeout, follow_redirects=False)
    except httpx.TimeoutException as exc:
        raise SendError(f"超时（{timeout:g} 秒无响应）", transport=True) from exc
    except httpx.HTTPError as exc:
        raise SendError(scrub(f"连接失败：{type(exc).__name__} {exc}", url, *hide), transport=True) from exc
    if response.status_code != 200:
        raise SendError(scrub(f"HTTP {response.status_code}：{response.text[:200]}", url, *hide))
    try:
        answer = response.json()
    except ValueError as exc:
        raise SendError(scrub(f"应答不是 JSON：{response.text[:200]}", url, *hide)) from exc
    errcode = answer.get("errcode") if isinstance(answer, dict) else None
    if errcode != 0:
        errmsg = str(answer.get("errmsg", "")) if isinstance(answer, dict) else ""
        raise SendError(scrub(f"errcode {errcode}：{errmsg[:200]}", url, *hide))


def _allowed(webhook: str, kind: str) -> None:
    # Checked again at sending: a channel saved before the allow-list, or a list since narrowed.
    refusal = webhook_refusal(webhook, kind)
    if refusal:
        raise SendError(refusal, retry=False)


def send_wecom(webhook: str, msg: Outgoing, fmt: str) -> None:
    _allowed(webhook, "wecom")
    post_robot(webhook, wecom_payload(msg, fmt))


def send_dingtalk(webhook: str, secret: str, msg: Outgoing, fmt: str) -> None:
    _allowed(webhook, "dingtalk")
    post_robot(dingtalk_url(webhook, secret), dingtalk_payload(msg, fmt), hide=(webhook, secret))


def send_email(address: str, msg: Outgoing) -> None:
    if not address:
        raise SendError("接收人没有登记电子邮箱", retry=False)
    subject = f"{msg.heading}{msg.subject}".replace("\n", " ")
    try:
        send_mail(subject=subject, message=render_text(msg, msg.body), from_email=None, recipient_list=[address])
    except OSError as exc:
        # smtplib's errors are OSErrors, as are refused connections and socket timeouts (EMAIL_TIMEOUT).
        # A refused address says nothing about the server: only the others stop the channel for this run.
        refused = isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError)
        raise SendError(f"邮件发送失败：{type(exc).__name__} {exc}"[:ERROR_LIMIT], transport=not refused) from exc
