"""A2 password policy and A7 password storage."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoluo.accounts.models import PasswordHistory
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.services import user_create
from zhaoluo.testing import factories as f
from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

WEAK = [
    # too short, whatever else
    "Ab1!",
    "Short1!x",
    "Abcdef1!xyz",
    "Zz9#Zz9#Zz9",
    # all digits, or one or two character classes only
    "123456789012",
    "20201231202012",
    "138001380001380",
    "abcdefghijklmn",
    "ABCDEFGHIJKLMN",
    "abcdefgh123456",
    "ABCDEFGH123456",
    "abcdefgh!@#$%^",
    "!@#$%^&*()_+-=",
    "        abc123",
    "zhongguorenmin",
    # common passwords, with the usual decorations
    "Password1234",
    "Password123!",
    "P@ssw0rd12345",
    "Qwerty123456!",
    "Iloveyou1234!",
    "1qaz2wsx3edc",
    "1Qaz2wsx3edc",
    "Abc123456789",
    "Admin123456!",
    "Welcome12345!",
    "Sunshine2020!",
    "Football1234!",
    "Princess1234!",
    "Dragon123456!",
    "Monkey123456!",
    # the platform's names
    "Zhaoluo@2020!",
    "zhaoluotong123A",
    "ZhaoLuoTong#88",
    "招落通Admin2020!",
    "My招落Pass2021!",
    # the district, its city and townships, in Chinese and pinyin, with decorations
    "Xiangzhou123!",
    "xiangzhou@2020A",
    "XiangZhou#2021",
    "Xiang-Zhou-2020!",
    "X1angzh0u2020!",
    "xiangzhouqu123A",
    "襄州区Abc12345!",
    "襄州2020Abc!",
    "Xiangyang2020!",
    "襄阳Abcd12345!",
    "Hubei@2020abcd",
    "Shuanggou2020!",
    # the username itself
    "Zhaoshang2020!",
    "zhaoshang#ABC1",
    "Qz-zhaoshang-7",
]

STRONG = [
    "Xz20-Kq7m-Tb3r!",
    "Hanjiang-Qiao-9!",
    "Tq7#mV2pLx9w",
    "Blue-Kettle-41-Rain",
    "ny8$Qw3!zRt6",
    "Vw2-Xp7-Kd4-Mq9",
    "Correct-Horse-88-Staple",
    "Gd3ka-Lm9pq-Rs2tx",
    "Pk4!Lm8@Nz2#",
    "river-Stone-2031",
    "2031-Maple-Cloud!",
    "Qm7xTk2Lp9Wv",
    "汉江大桥Bridge-77",
    "Fw8-Hy3-Jk6-Lp2!",
    "Tiger&Lily-Song-42",
    "B9v#T2m$K7q!",
    "Orchid-Lamp-58-Sky",
    "mQ4-vR8-xT2-pL6",
    "Zebra_Crossing_77",
    "NorthGate#2031road",
]


@pytest.fixture
def district_user(world):
    return world.investment  # username "zhaoshang", region 襄州区 (襄阳市, 湖北省)


def test_there_are_fifty_weak_and_twenty_strong_samples():
    assert len(WEAK) == 50 and len(set(WEAK)) == 50
    assert len(STRONG) == 20 and len(set(STRONG)) == 20


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_with_a_chinese_reason(district_user, password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, district_user)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in exc.value.messages)


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_are_accepted(district_user, password):
    validate_password(password, district_user)


def test_a_sixty_four_character_password_is_accepted(district_user):
    validate_password("Kq7m-" * 12 + "Tb3r", district_user)


def test_the_minimum_length_is_a_setting(district_user, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "zhaoluo.accounts.validators.LengthValidator", "OPTIONS": {"min_length": 16}}
    ]
    with pytest.raises(ValidationError, match="至少需要 16 个字符"):
        validate_password("Tq7#mV2pLx9w", district_user)


def test_the_common_password_list_is_djangos_full_list():
    from zhaoluo.accounts.validators import CommonPasswordValidator

    assert len(CommonPasswordValidator().passwords) >= 3000


def test_a_township_users_township_is_blocked_too(world):
    user = f.UserFactory.create(username="zhangwan1", role=Role.TOWNSHIP, region=world.other_township)
    with pytest.raises(ValidationError, match="地名"):
        validate_password("Zhangwan@2020!", user)


def test_production_hashing_is_argon2_first():
    # The tests hash with MD5 for speed (conftest); the settings module is what production runs.
    production = importlib.import_module("zhaoluo.settings")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert all("MD5" not in h and "SHA1" not in h and "Unsalted" not in h for h in production.PASSWORD_HASHERS)


def test_a_password_stored_with_the_production_hasher_is_argon2(world, settings):
    production = importlib.import_module("zhaoluo.settings")
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = user_create(by=None, username="argon", password="Tq7#mV2pLx9w", role=Role.INVESTMENT, region=world.district)
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("Tq7#mV2pLx9w")


# --- Issue #11 point 11: password history -----------------------------------------------------

HISTORY = ["Blue-Kettle-41-Rain", "Green-Lamp-52-Snow", "Red-Door-63-Wind", "Gold-Bell-74-Mist", "Grey-Ship-85-Dew"]


def _change(client, old: str, new: str):
    return client.post(
        reverse("accounts:password-change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_a_password_cannot_go_back_to_any_of_the_last_five(world):
    client = world.client_for(world.investment)
    assert _change(client, PASSWORD, HISTORY[0]).status_code == 302
    back = _change(client, HISTORY[0], PASSWORD)
    assert back.status_code == 422 and "最近 5 次用过的密码" in back.content.decode()
    world.investment.refresh_from_db()
    assert world.investment.check_password(HISTORY[0])
    current = HISTORY[0]
    for new in HISTORY[1:]:
        assert _change(client, current, new).status_code == 302
        current = new
    # Five earlier passwords are kept (PASSWORD and HISTORY[0..3]); all are refused, the hashes only stored.
    rows = list(PasswordHistory.objects.filter(user=world.investment))
    assert len(rows) == 5 and all(r.password.startswith("md5$") for r in rows)
    for earlier in [PASSWORD, *HISTORY[:4]]:
        assert _change(client, current, earlier).status_code == 422, earlier
    # A sixth change pushes the oldest (the fixture's PASSWORD) out of the history.
    assert _change(client, current, "Blue-Moon-96-Frost").status_code == 302
    assert _change(client, "Blue-Moon-96-Frost", PASSWORD).status_code == 302
