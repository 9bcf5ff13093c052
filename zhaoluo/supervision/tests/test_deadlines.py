import pytest

from zhaoluo.projects.models import Project
from zhaoluo.supervision.deadlines import adjusted_workdays


@pytest.mark.parametrize(("given", "expected"), [(1, 1), (2, 1), (5, 3), (10, 5), (20, 10)])
@pytest.mark.django_db
def test_a_green_channel_project_gets_half_the_working_days_rounded_up(given: int, expected: int) -> None:
    project = Project(green_channel=True)
    adjusted = adjusted_workdays(workdays=given, project=project, subject="problem")
    assert adjusted.workdays == expected
    assert adjusted.rule is not None and "绿色通道" in adjusted.rule


@pytest.mark.django_db
def test_an_ordinary_project_or_none_keeps_its_working_days() -> None:
    project = Project(green_channel=False)
    assert adjusted_workdays(workdays=7, project=project, subject="approval").workdays == 7
    assert adjusted_workdays(workdays=7, project=None, subject="problem").rule is None
