"""Exports mask contact data; importing such a file back keeps the stored values."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db


def test_a_masked_export_imports_back_without_changing_the_contact_data(world, tmp_path):
    company = f.EnterpriseFactory.create(district=world.district, contact="张三明", phone="13812345678")
    out = tmp_path / "企业.xlsx"
    call_command("export", "enterprises", str(out), "--district", world.district.code)
    call_command("import", "enterprises", str(out), "--district", world.district.code)
    company.refresh_from_db()
    assert (company.contact, company.phone, company.version) == ("张三明", "13812345678", 1)
    assert not AuditEvent.objects.filter(action="enterprise.updated").exists()
    assert not AuditEvent.objects.filter(action="pi.unmasked").exists()


def test_an_unmasked_export_is_audited_per_record_and_imports_back_the_same(world, tmp_path):
    company = f.EnterpriseFactory.create(district=world.district, contact="张三明", phone="13812345678")
    out = tmp_path / "企业.xlsx"
    call_command("export", "enterprises", str(out), "--unmask", "--district", world.district.code)
    assert AuditEvent.objects.filter(action="pi.unmasked", object_id=str(company.pk)).exists()
    call_command("import", "enterprises", str(out), "--district", world.district.code)
    company.refresh_from_db()
    assert company.phone == "13812345678" and company.version == 1


def test_a_masked_value_that_does_not_match_the_stored_one_is_an_error(world, tmp_path, capsys):
    f.EnterpriseFactory.create(district=world.district, uscc="91420600MA4KXHFN20", phone="13812345678")
    path = tmp_path / "企业.csv"
    path.write_text("统一社会信用代码,企业名称,联系电话\n91420600MA4KXHFN20,改名公司,139****0000\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "enterprises", str(path), "--district", world.district.code)
    assert exit_.value.code == 2
    assert "第2行 联系电话: 这是脱敏后的值，无法导入" in capsys.readouterr().err
    assert Enterprise.objects.get(uscc="91420600MA4KXHFN20").phone == "13812345678"
