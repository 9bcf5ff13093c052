from __future__ import annotations

import pytest
from django.test import RequestFactory

from zhaoluo.core.middleware import client_ip


@pytest.mark.parametrize(
    ("remote", "header", "trusted", "expected"),
    [
        ("10.1.2.3", "6.6.6.6", set(), "10.1.2.3"),  # a client cannot choose its own address
        ("127.0.0.1", "10.8.0.7", {"127.0.0.1"}, "10.8.0.7"),  # the district's nginx may
        ("127.0.0.1", "not-an-address", {"127.0.0.1"}, "127.0.0.1"),  # garbage never reaches the database
        ("", None, set(), None),
    ],
)
def test_the_audited_address_is_the_peer_unless_a_trusted_proxy_forwards_it(
    settings, remote, header, trusted, expected
):
    settings.ZHAOLUO_TRUSTED_PROXIES = frozenset(trusted)
    meta = {"REMOTE_ADDR": remote}
    if header is not None:
        meta["HTTP_X_REAL_IP"] = header
    assert client_ip(RequestFactory().get("/", **meta)) == expected
