"""Field encryption of personal data (D3) and its integrity (D4)."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection

from zhaoluo.core import crypto
from zhaoluo.enterprises import services
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.models import User
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db

SENTINEL_PHONE = "13987654321"
SENTINEL_NAME = "哨兵联系人"
K1 = base64.b64encode(b"1" * 16).decode()
K2 = base64.b64encode(b"2" * 16).decode()
AES = base64.b64encode(b"a" * 32).decode()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def write_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


@pytest.fixture
def enterprise(world) -> Enterprise:
    return services.enterprise_create(
        by=world.economy,
        district=world.district,
        data={
            "uscc": f.uscc_with_check("91420607MA0000099"),
            "name": "襄阳哨兵有限公司",
            "contact": SENTINEL_NAME,
            "phone": SENTINEL_PHONE,
        },
    )


def test_a_sentinel_phone_and_contact_never_reach_the_database_in_clear(enterprise):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM enterprises_enterprise")
        dump = repr(cursor.fetchall())
    assert SENTINEL_PHONE not in dump and SENTINEL_NAME not in dump
    stored = raw("enterprises_enterprise", "phone", enterprise.pk)
    assert stored.startswith("enc:v1:sm4:dev:")
    assert Enterprise.objects.get(pk=enterprise.pk).phone == SENTINEL_PHONE
    assert Enterprise.objects.get(pk=enterprise.pk).contact == SENTINEL_NAME


def test_a_user_email_is_encrypted_and_reads_back(world):
    world.economy.email = "kejing@xiangzhou.gov.cn"
    world.economy.save()
    assert "xiangzhou" not in raw("orgs_user", "email", world.economy.pk)
    assert User.objects.get(pk=world.economy.pk).email == "kejing@xiangzhou.gov.cn"


def test_blank_values_stay_blank_so_missing_contacts_remain_visible(world):
    e = f.EnterpriseFactory.create(district=world.district)
    assert raw("enterprises_enterprise", "phone", e.pk) == ""


@pytest.mark.parametrize(
    ("cipher", "keys", "tag"), [("sm4-gcm", f"k1:{K1}", "sm4"), ("aes-256-gcm", f"a1:{AES}", "aes")]
)
def test_values_round_trip_under_both_ciphers(settings, world, cipher, keys, tag):
    settings.ZHAOLUO_FIELD_CIPHER, settings.ZHAOLUO_FIELD_KEYS = cipher, keys
    e = f.EnterpriseFactory.create(district=world.district, phone="0710-3214567", contact="欧阳小明")
    assert raw("enterprises_enterprise", "phone", e.pk).split(":")[2] == tag
    fresh = Enterprise.objects.get(pk=e.pk)
    assert (fresh.phone, fresh.contact) == ("0710-3214567", "欧阳小明")


def test_text_that_looks_like_ciphertext_is_still_encrypted_and_round_trips(world):
    lookalike = "enc:v1:sm4:dev:AAAA"
    e = f.EnterpriseFactory.create(district=world.district, contact=lookalike)
    assert raw("enterprises_enterprise", "contact", e.pk) != lookalike
    assert Enterprise.objects.get(pk=e.pk).contact == lookalike


def test_the_same_value_encrypts_differently_each_time():
    assert crypto.encrypt(SENTINEL_PHONE, aad="t.c") != crypto.encrypt(SENTINEL_PHONE, aad="t.c")


def test_a_ciphertext_copied_into_another_column_does_not_decrypt(enterprise):
    write_raw("enterprises_enterprise", "contact", enterprise.pk, raw("enterprises_enterprise", "phone", enterprise.pk))
    with pytest.raises(crypto.DecryptionError, match=r"enterprises_enterprise\.contact"):
        Enterprise.objects.get(pk=enterprise.pk)


def test_old_key_data_stays_readable_and_rotation_moves_it_to_the_current_key(settings, world, capsys):
    settings.ZHAOLUO_FIELD_KEYS = f"k1:{K1}"
    e = f.EnterpriseFactory.create(district=world.district, phone=SENTINEL_PHONE, contact=SENTINEL_NAME)
    world.economy.email = "a@b.cn"
    world.economy.save()
    assert crypto.key_id_of(raw("enterprises_enterprise", "phone", e.pk)) == "k1"

    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = f"k1:{K1},k2:{K2}", "k2"
    assert Enterprise.objects.get(pk=e.pk).phone == SENTINEL_PHONE
    call_command("rotate_keys")
    assert "enterprises_enterprise.phone" in capsys.readouterr().out
    for table, column, pk in [
        ("enterprises_enterprise", "phone", e.pk),
        ("enterprises_enterprise", "contact", e.pk),
        ("orgs_user", "email", world.economy.pk),
    ]:
        assert crypto.key_id_of(raw(table, column, pk)) == "k2"

    settings.ZHAOLUO_FIELD_KEYS = f"k2:{K2}"  # the old key retired after rotation
    assert Enterprise.objects.get(pk=e.pk).phone == SENTINEL_PHONE
    assert User.objects.get(pk=world.economy.pk).email == "a@b.cn"


def test_rotation_leaves_values_already_under_the_current_key_alone(enterprise):
    before = raw("enterprises_enterprise", "phone", enterprise.pk)
    call_command("rotate_keys")
    assert raw("enterprises_enterprise", "phone", enterprise.pk) == before


def test_data_under_a_key_no_longer_configured_is_reported_not_guessed(settings, world):
    settings.ZHAOLUO_FIELD_KEYS = f"k1:{K1}"
    e = f.EnterpriseFactory.create(district=world.district, phone=SENTINEL_PHONE)
    settings.ZHAOLUO_FIELD_KEYS = f"k2:{K2}"
    with pytest.raises(crypto.DecryptionError, match="密钥 k1 未配置"):
        Enterprise.objects.get(pk=e.pk)


def test_a_flipped_byte_raises_invalid_tag_naming_table_and_column(enterprise):
    flip_one_byte("enterprises_enterprise", "phone", enterprise.pk)
    with pytest.raises(crypto.DecryptionError, match=r"InvalidTag.*enterprises_enterprise\.phone"):
        Enterprise.objects.get(pk=enterprise.pk)


def flip_one_byte(table: str, column: str, pk: int) -> None:
    head, _, encoded = raw(table, column, pk).rpartition(":")
    blob = bytearray(base64.b64decode(encoded))
    blob[15] ^= 0x01
    write_raw(table, column, pk, f"{head}:{base64.b64encode(bytes(blob)).decode()}")


def test_integrity_check_reports_every_tampered_row_by_id_and_fails(world, enterprise, capsys):
    call_command("integrity_check")
    assert "完整性校验通过" in capsys.readouterr().out
    other = f.EnterpriseFactory.create(district=world.district, phone="13800001111")
    flip_one_byte("enterprises_enterprise", "phone", enterprise.pk)
    write_raw("enterprises_enterprise", "contact", other.pk, "明文联系人")  # plaintext slipped past the field
    with pytest.raises(CommandError, match="2 处"):
        call_command("integrity_check")
    err = capsys.readouterr().err
    assert f"enterprises_enterprise.phone id={enterprise.pk}: 密文完整性校验失败" in err
    assert f"enterprises_enterprise.contact id={other.pk}: 字段值未加密" in err


def test_encrypted_fields_cannot_be_filtered_by_value(enterprise):
    with pytest.raises(FieldError, match="已加密"):
        list(Enterprise.objects.filter(phone=SENTINEL_PHONE))
    assert Enterprise.objects.filter(phone__isnull=False).count() >= 1


def test_the_data_migration_step_encrypts_plaintext_left_in_a_column(world):
    e = f.EnterpriseFactory.create(district=world.district)
    write_raw("enterprises_enterprise", "phone", e.pk, SENTINEL_PHONE)
    assert crypto.encrypt_column(Enterprise, "phone") == 1
    assert crypto.is_encrypted(raw("enterprises_enterprise", "phone", e.pk))
    assert Enterprise.objects.get(pk=e.pk).phone == SENTINEL_PHONE
    assert crypto.decrypt_column(Enterprise, "phone") == 1
    assert raw("enterprises_enterprise", "phone", e.pk) == SENTINEL_PHONE


def test_validators_run_on_the_plaintext(world):
    e = f.EnterpriseFactory.build(district=world.district, phone="12345")
    with pytest.raises(Exception, match="联系电话"):
        e.full_clean()


def test_system_checks_refuse_missing_or_broken_keys(settings, monkeypatch):
    assert [m.id for m in crypto.check_field_keys_deploy()] == ["zhaoluo.E103"]
    settings.ZHAOLUO_FIELD_KEYS = "k1:not base64!"
    assert [m.id for m in crypto.check_field_keys()] == ["zhaoluo.E101"]
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = f"k1:{K1}", "k9"
    assert [m.id for m in crypto.check_field_keys()] == ["zhaoluo.E101"]
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = f"a1:{AES}", ""
    assert [m.id for m in crypto.check_field_keys()] == ["zhaoluo.E101"]  # 32 bytes is not an SM4 key
    settings.ZHAOLUO_FIELD_KEYS = f"k1:{K1}"
    assert crypto.check_field_keys() == [] and crypto.check_field_keys_deploy() == []


def test_production_without_keys_is_an_error_and_debug_is_not(settings, monkeypatch):
    class Postgres:
        vendor = "postgresql"

    class Connections(dict):
        def __iter__(self):
            return iter(self.keys())

    monkeypatch.setattr(crypto, "connections", Connections(default=Postgres()))
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = "", ""
    settings.DEBUG = False
    assert [m.id for m in crypto.check_field_keys()] == ["zhaoluo.E102"]
    settings.DEBUG = True
    assert crypto.check_field_keys() == []
