from zhaoluo.approvals.catalogue import PRESETS
from zhaoluo.approvals.models import ApprovalItem


def test_the_migrated_catalogue_is_the_documented_one_with_its_limits_and_departments(db):
    stored = {
        i.code: (i.name, i.limit_workdays, i.basis, i.default_department, i.position)
        for i in ApprovalItem.objects.all()
    }
    documented = {
        p["code"]: (p["name"], p["limit_workdays"], p["basis"], p["default_department"], p["position"]) for p in PRESETS
    }
    assert stored == documented
    assert stored["construction"][1] == 7
    assert stored["fire-design"][1] == 15
