"""Field-level encryption of personal data (等保 8.1.4.8 b, PIPL 51): SM4-GCM or AES-256-GCM.

A value is stored as ``enc:v1:<alg>:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``. The
associated data is ``<table>.<column>``, so a ciphertext copied into another column (or
another table) fails authentication instead of decrypting there. The row is deliberately
not bound: rows can then be copied, restored and re-keyed in bulk without knowing ids.

Keys live in the environment, never in the database or the repository:
``ZHAOLUO_FIELD_KEYS="k2024:<base64 key>,k2025:<base64 key>"`` and
``ZHAOLUO_FIELD_KEY_ID=k2025`` naming the key new values are written with. Older keys stay
configured until `zhaoluo rotate-keys` has re-encrypted everything under the current one.
Without configured keys a development key (id ``dev``) derived from a fixed label is used,
and the system checks refuse it outside DEBUG on a production database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django import forms
from django.apps import apps
from django.conf import settings
from django.core import checks, validators
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connections, models, transaction

PREFIX = "enc:v1:"
DEV_KEY_ID = "dev"
NONCE_BYTES = 12
TAG_BYTES = 16
# Short algorithm names as they appear in the stored value, and their key lengths.
ALGORITHMS = {"sm4-gcm": ("sm4", 16), "aes-256-gcm": ("aes", 32)}
_BY_TAG = {tag: (name, size) for name, (tag, size) in ALGORITHMS.items()}


class DecryptionError(Exception):
    """A stored value that does not authenticate: altered, moved, or under a key we lack."""

    def __init__(self, message: str, *, table: str = "", column: str = "", row_id: Any = None) -> None:
        self.table, self.column, self.row_id = table, column, row_id
        where = f"{table}.{column}" if table else ""
        if row_id is not None:
            where += f" id={row_id}"
        super().__init__(f"{message}（{where}）" if where else message)


@dataclass(frozen=True)
class Keyring:
    cipher: str
    current_id: str
    keys: dict[str, bytes]
    development: bool


def _dev_key(size: int) -> bytes:
    # Public by construction (the label is in the source): fit only for demo data and tests.
    return hashlib.sha256(b"zhaoluo DEVELOPMENT field key - NOT FOR PRODUCTION").digest()[:size]


_cache: dict[tuple[str, str, str], Keyring] = {}


def keyring() -> Keyring:
    """The configured keys, parsed once per distinct configuration (tests change settings)."""
    raw = str(getattr(settings, "ZHAOLUO_FIELD_KEYS", "") or "")
    current = str(getattr(settings, "ZHAOLUO_FIELD_KEY_ID", "") or "")
    cipher = str(getattr(settings, "ZHAOLUO_FIELD_CIPHER", "sm4-gcm") or "sm4-gcm")
    cache_key = (raw, current, cipher)
    ring = _cache.get(cache_key)
    if ring is None:
        ring = _parse(raw, current, cipher)
        _cache[cache_key] = ring
    return ring


def _parse(raw: str, current: str, cipher: str) -> Keyring:
    if cipher not in ALGORITHMS:
        raise ImproperlyConfigured(f"ZHAOLUO_FIELD_CIPHER 应为 {' 或 '.join(ALGORITHMS)}，而不是 {cipher!r}")
    size = ALGORITHMS[cipher][1]
    if not raw.strip():
        return Keyring(cipher=cipher, current_id=DEV_KEY_ID, keys={DEV_KEY_ID: _dev_key(size)}, development=True)
    keys: dict[str, bytes] = {}
    for item in raw.split(","):
        kid, sep, encoded = item.strip().partition(":")
        if not sep or not kid or ":" in encoded:
            raise ImproperlyConfigured("ZHAOLUO_FIELD_KEYS 的每一项应为 “密钥编号:base64密钥”，以逗号分隔")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"ZHAOLUO_FIELD_KEYS 中密钥 {kid} 不是有效的 base64") from exc
        if len(key) not in {16, 32}:
            raise ImproperlyConfigured(f"ZHAOLUO_FIELD_KEYS 中密钥 {kid} 应为 16 或 32 字节，实际 {len(key)} 字节")
        keys[kid] = key
    current = current or next(reversed(keys))
    if current not in keys:
        raise ImproperlyConfigured(f"ZHAOLUO_FIELD_KEY_ID={current} 不在 ZHAOLUO_FIELD_KEYS 中")
    if len(keys[current]) != size:
        raise ImproperlyConfigured(f"{cipher} 需要 {size} 字节的密钥，当前密钥 {current} 为 {len(keys[current])} 字节")
    return Keyring(cipher=cipher, current_id=current, keys=keys, development=False)


def _seal(alg: str, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    if alg == "aes":
        return AESGCM(key).encrypt(nonce, plaintext, aad)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def _open(alg: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if alg == "aes":
        return AESGCM(key).decrypt(nonce, sealed, aad)
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def encrypt(plaintext: str, *, aad: str) -> str:
    ring = keyring()
    alg = ALGORITHMS[ring.cipher][0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = _seal(alg, ring.keys[ring.current_id], nonce, plaintext.encode(), aad.encode())
    return f"{PREFIX}{alg}:{ring.current_id}:{base64.b64encode(nonce + sealed).decode()}"


def is_encrypted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(token: str) -> str:
    return token[len(PREFIX) :].split(":", 2)[1]


def decrypt(token: str, *, aad: str) -> str:
    """The plaintext, or DecryptionError: a malformed value, an unknown key or a failed tag."""
    if not is_encrypted(token):
        raise DecryptionError("字段值未加密或格式错误")
    try:
        alg, kid, encoded = token[len(PREFIX) :].split(":", 2)
        blob = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DecryptionError("密文格式错误") from exc
    if alg not in _BY_TAG:
        raise DecryptionError(f"未知的加密算法 {alg}")
    key = keyring().keys.get(kid)
    if key is None:
        raise DecryptionError(f"密钥 {kid} 未配置（ZHAOLUO_FIELD_KEYS）")
    if len(key) != _BY_TAG[alg][1] or len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("密文或密钥长度不符")
    try:
        return _open(alg, key, blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("密文完整性校验失败（InvalidTag），数据可能被篡改") from exc


def fingerprint(value: str, *, purpose: str) -> str:
    """A short keyed digest: tells two values apart without revealing either (audit diffs)."""
    ring = keyring()
    key = hmac.new(ring.keys[ring.current_id], purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:8]


class EncryptedCharField(models.CharField):
    """A text column holding ciphertext; Python sees the plaintext.

    `max_length` and validators apply to the plaintext (forms, full_clean); the column is
    unbounded text because ciphertext is longer. Values cannot be searched: every lookup
    but ``isnull`` raises, so a filter on a ciphertext fails loudly instead of matching
    nothing. Blank stays blank (not encrypted) so "has no phone" remains visible and cheap.
    """

    pi = True

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)

    def rel_db_type(self, connection: Any) -> str | None:
        return self.db_type(connection)

    def cast_db_type(self, connection: Any) -> str | None:
        return self.db_type(connection)

    @property
    def aad(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(f"{self.model.__name__}.{self.name} 已加密，不能按值查询（{lookup_name}）")
        return super().get_lookup(lookup_name)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "":
            return value
        # Always encrypted, even text that looks like ciphertext: a contact typed as
        # "enc:v1:…" must round-trip, not be stored raw and then fail to decrypt.
        return encrypt(str(value), aad=self.aad)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        try:
            return decrypt(value, aad=self.aad)
        except DecryptionError as exc:
            raise DecryptionError(str(exc.args[0]), table=self.model._meta.db_table, column=str(self.column)) from exc


class EncryptedEmailField(EncryptedCharField):
    """An encrypted e-mail address: the e-mail validator and form field, on the plaintext."""

    default_validators = [validators.validate_email]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": forms.EmailField, **kwargs})


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedCharField]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCharField):
                yield model, field


@dataclass(frozen=True)
class Failure:
    table: str
    column: str
    row_id: Any
    reason: str


def _raw_rows(model: type[models.Model], field: models.Field[Any, Any]) -> Iterator[tuple[Any, Any]]:
    """(pk, stored value) straight from the column, bypassing from_db_value."""
    connection = connections[model._default_manager.db]
    qn = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    sql = (
        f"SELECT {qn(str(pk.column))}, {qn(str(field.column))} FROM {qn(model._meta.db_table)} "
        f"WHERE {qn(str(field.column))} IS NOT NULL AND {qn(str(field.column))} <> '' ORDER BY {qn(str(pk.column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        yield from cursor.fetchall()


def integrity_failures() -> list[Failure]:
    """Every stored encrypted value that does not decrypt, with its table, column and row."""
    failures: list[Failure] = []
    for model, field in encrypted_fields():
        for pk, stored in _raw_rows(model, field):
            try:
                decrypt(stored, aad=field.aad)
            except DecryptionError as exc:
                failures.append(Failure(model._meta.db_table, str(field.column), pk, str(exc)))
    return failures


def _write_raw(model: type[models.Model], field: models.Field[Any, Any], row_id: Any, value: str) -> None:
    connection = connections[model._default_manager.db]
    qn = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(model._meta.db_table)} SET {qn(str(field.column))} = %s WHERE {qn(str(pk.column))} = %s",
            [value, row_id],
        )


def encrypt_column(model: type[models.Model], field_name: str) -> int:
    """Encrypt the plaintext left in one column (the data migration), or re-encrypt under the
    current key what an older key wrote (rotation). Returns the number of rows rewritten."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    aad = f"{model._meta.db_table}.{field.column}"
    ring = keyring()
    current = (ALGORITHMS[ring.cipher][0], ring.current_id)
    rewritten = 0
    for row_id, stored in list(_raw_rows(model, field)):
        if is_encrypted(stored):
            if tuple(stored[len(PREFIX) :].split(":", 2)[:2]) == current:
                continue
            plaintext = decrypt(stored, aad=aad)
        else:
            plaintext = stored
        _write_raw(model, field, row_id, encrypt(plaintext, aad=aad))
        rewritten += 1
    return rewritten


def decrypt_column(model: type[models.Model], field_name: str) -> int:
    """Back to plaintext (only for reversing the data migration)."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    aad = f"{model._meta.db_table}.{field.column}"
    count = 0
    for row_id, stored in list(_raw_rows(model, field)):
        if is_encrypted(stored):
            _write_raw(model, field, row_id, decrypt(stored, aad=aad))
            count += 1
    return count


@transaction.atomic
def rotate_all() -> dict[str, int]:
    """Re-encrypt every encrypted column under the current key (and cipher)."""
    return {
        f"{model._meta.db_table}.{field.column}": encrypt_column(model, field.name)
        for model, field in encrypted_fields()
    }


@checks.register(checks.Tags.security)
def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        ring = keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="zhaoluo.E101")]
    production_db = any(connections[alias].vendor != "sqlite" for alias in connections)
    if ring.development and not settings.DEBUG and production_db:
        return [
            checks.Error(
                "生产数据库上未配置字段加密密钥：请设置 ZHAOLUO_FIELD_KEYS 和 ZHAOLUO_FIELD_KEY_ID",
                hint='ZHAOLUO_FIELD_KEYS="k1:$(openssl rand -base64 16)"（sm4-gcm 16 字节，aes-256-gcm 32 字节）',
                id="zhaoluo.E102",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys_deploy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        ring = keyring()
    except ImproperlyConfigured:
        return []  # reported by check_field_keys
    if ring.development:
        return [
            checks.Error(
                "正在使用开发用字段加密密钥：部署前请设置 ZHAOLUO_FIELD_KEYS 和 ZHAOLUO_FIELD_KEY_ID",
                id="zhaoluo.E103",
            )
        ]
    return []
