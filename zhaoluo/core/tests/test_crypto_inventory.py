"""D6: only the algorithms listed in docs/security.md (密码应用清单) are used.

The source tree is searched for broken or unsuitable primitives; each remaining use is on
an explicit allowlist with the reason it is not a security use.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
THIS_FILE = Path(__file__).resolve()

DISALLOWED = {
    "md5": re.compile(r"\bmd5\b|MD5PasswordHasher", re.IGNORECASE),
    "sha1": re.compile(r"\bsha1\b|SHA1PasswordHasher", re.IGNORECASE),
    "des": re.compile(r"\b(?:Triple)?DES\b|\bdes3?\b|\bARC4\b|\bRC4\b|\bBlowfish\b"),
    "ecb": re.compile(r"\bECB\b"),
    "random-module": re.compile(r"^\s*(?:import random\b|from random import)", re.MULTILINE),
}

# path (from the repository root) → the findings allowed there, and why.
ALLOWLIST: dict[str, set[str]] = {
    # Tests hash passwords with MD5 for speed (argon2 costs ~130 ms); never in settings.py.
    "conftest.py": {"md5"},
    "zhaoluo/demo/tests/test_demo.py": {"md5"},
    # The demo district is generated from a fixed seed so it is the same every time: not secrets.
    "zhaoluo/demo/enterprise_data.py": {"random-module"},
    "zhaoluo/demo/funds.py": {"random-module"},
    "zhaoluo/demo/loader.py": {"random-module"},
    "zhaoluo/demo/names.py": {"random-module"},
    "zhaoluo/demo/plan.py": {"random-module"},
    "zhaoluo/demo/schedule.py": {"random-module"},
    # Demo problems, and the demo units' 联络员 accounts (deterministic passwords like logins.py's).
    "zhaoluo/demo/problems.py": {"random-module"},
    "zhaoluo/approvals/demo.py": {"random-module"},
    "zhaoluo/meetings/demo.py": {"random-module"},
    "zhaoluo/service/demo.py": {"random-module"},
    # Demo passwords are deterministic on purpose (printed by `zhaoluo demo`) and so are
    # public: a demo database must never be deployed. Real accounts come from `createuser`.
    "zhaoluo/demo/logins.py": {"random-module"},
    # The password tests name MD5 and SHA-1 only to assert that production's hashers include neither.
    "zhaoluo/accounts/tests/test_passwords.py": {"md5", "sha1"},
    # A seeded random.Random picks the order of two editors' steps, so a failing interleaving can be
    # replayed: test scheduling, not a secret.
    "zhaoluo/core/tests/security/test_locking.py": {"random-module"},
}


def _sources() -> list[Path]:
    files = [REPO / "conftest.py", *(REPO / "zhaoluo").rglob("*.py"), *(REPO / "tests").rglob("*.py")]
    return [p for p in files if p.exists() and p.resolve() != THIS_FILE]


def _findings() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        hits = {name for name, pattern in DISALLOWED.items() if pattern.search(text)}
        if hits:
            out[str(path.relative_to(REPO))] = hits
    return out


def test_no_disallowed_cryptographic_primitive_outside_the_allowlist():
    unexpected = {
        path: hits - ALLOWLIST.get(path, set())
        for path, hits in _findings().items()
        if hits - ALLOWLIST.get(path, set())
    }
    assert not unexpected, f"disallowed primitives (see docs/security.md, D6): {unexpected}"


def test_the_allowlist_has_no_stale_entries():
    findings = _findings()
    stale = {path: allowed - findings.get(path, set()) for path, allowed in ALLOWLIST.items()}
    assert not {p: s for p, s in stale.items() if s}


def test_the_pattern_catches_what_it_is_meant_to():
    samples = {
        "md5": "hashlib.md5(b'x')",
        "sha1": "hashlib.sha1(token)",
        "des": "algorithms.TripleDES(key)",
        "ecb": "modes.ECB()",
        "random-module": "import random\n",
    }
    for name, sample in samples.items():
        assert DISALLOWED[name].search(sample), name
    assert not DISALLOWED["random-module"].search("import secrets\n")


def test_production_password_hashing_is_argon2_first():
    from zhaoluo import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert not any("MD5" in h or "SHA1" in h for h in production_settings.PASSWORD_HASHERS)
