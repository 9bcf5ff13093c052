"""The API under a bounded property-based test (issue #11): schemathesis generates requests from
the OpenAPI schema (valid and invalid ones) and sends them to pytest-django's live server as a
district-wide role (招商人员) and as an enterprise contact (企业联系人). Every check schemathesis
has is on: any 5xx, an undocumented status or content type, a body or header that does not match
the schema, an invalid request accepted, an operation that ignores its authentication … fails.

Bounded and reproducible: a fixed seed, derandomized Hypothesis, no example database, a few
examples per operation (ZL_API_PROPERTY_EXAMPLES raises it for a longer run by hand).
"""

from __future__ import annotations

import os

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.config import SchemathesisConfig

EXAMPLES = int(os.environ.get("ZL_API_PROPERTY_EXAMPLES", "3"))
# schemathesis' coverage phase (every boundary of every parameter, every unlisted method) sends
# thousands of requests: too many for the suite; ZL_API_PROPERTY_COVERAGE=1 adds it to a run by hand.
COVERAGE = os.environ.get("ZL_API_PROPERTY_COVERAGE", "") == "1"

# Every check on, as schemathesis ships them, with one deliberate addition: a request the schema
# calls valid may still get 400 where the answer depends on data the schema cannot describe —
# an id that does not exist or lies outside the caller's scope (answered 400 "不存在或不在您的查看
# 范围内" in a body or a filter), a stage move the project's current stage does not allow, a
# duplicate 统一社会信用代码. Those 400s are documented on the operations; every other status a
# valid request may not get (405, 406, 415, 422 …) still fails the check.
CONFIG = f"""
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]

[phases.coverage]
enabled = {"true" if COVERAGE else "false"}
"""

# schemathesis 4.32.5's pytest integration reads and renames the running item through
# `Node._nodeid`, which pytest 9.2 replaced by `Node._id`: give it a read-only alias (the
# renaming only decorates its report; each operation is still named in its subtest).
if not hasattr(pytest.Function, "_nodeid"):
    pytest.Function._nodeid = property(lambda self: self.nodeid, lambda self, value: None)


@pytest.fixture
def api_schema(world, live_server):
    client = APIClient()
    client.force_login(world.investment)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    loaded = schemathesis.openapi.from_dict(response.json(), config=SchemathesisConfig.from_str(CONFIG))
    loaded.config.update(base_url=live_server.url, request_timeout=30)
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")

BOUNDED = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _token(user) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


@schema.parametrize()
@BOUNDED
@hypothesis.seed(11)
def test_the_api_keeps_its_contract_for_investment_staff(case, world):
    case.call_and_validate(headers=_token(world.investment))


@schema.parametrize()
@BOUNDED
@hypothesis.seed(11)
def test_the_api_keeps_its_contract_for_an_enterprise_contact(case, world):
    case.call_and_validate(headers=_token(world.enterprise_user))
