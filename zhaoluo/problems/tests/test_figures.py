"""The contract's problem figures (shared/LEDGERS.md), counted by hand on a small set, and their drill-downs."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoluo.problems.filters import ProblemFilterSet
from zhaoluo.problems.models import Problem
from zhaoluo.stats.figures import figures, problem_drilldown

pytestmark = pytest.mark.django_db
D = dt.date


def _problem(world, code, raised, due, resolved=None, district=None, project=None):
    return Problem.objects.create(
        district=district or world.district,
        code=code,
        description=code,
        unit=world.lead_unit,
        raised_on=raised,
        due_on=due,
        resolved_on=resolved,
        status="resolved" if resolved else "assigned",
        project=project,
    )


@pytest.fixture
def ledger(world):
    # code: raised, due, resolved — and what each counts for in 2020
    _problem(world, "A", D(2019, 11, 1), D(2019, 12, 1), D(2020, 1, 10))  # resolved 2020, late
    _problem(world, "B", D(2020, 2, 1), D(2020, 3, 1), D(2020, 3, 1))  # raised, resolved on the day: on time
    _problem(world, "C", D(2020, 5, 1), D(2020, 6, 1), D(2020, 7, 1))  # raised, resolved late
    _problem(world, "D", D(2020, 9, 1), D(2020, 12, 31))  # raised, due 31 Dec, open: overdue at year end
    _problem(world, "E", D(2020, 10, 1), D(2020, 11, 1), D(2021, 1, 5))  # raised, resolved next year: overdue
    _problem(world, "F", D(2020, 11, 1), D(2021, 1, 15))  # raised, not yet due: not overdue
    _problem(world, "G", D(2021, 1, 2), D(2021, 1, 3))  # next year: nothing in 2020
    _problem(world, "H", D(2020, 4, 1), D(2020, 4, 2), district=world.other_district)  # another district


def test_the_problem_figures_match_the_hand_count(world, ledger):
    result = figures(year=2020, region=world.district)
    assert {k: v for k, v in result.items() if k.startswith("problems_")} == {
        "problems_raised": 5,  # B C D E F
        "problems_resolved": 3,  # A B C
        "problems_resolved_on_time": 1,  # B
        "problems_overdue": 2,  # D E
    }
    assert figures(year=2020)["problems_raised"] == 6  # the whole platform: H too


def test_each_problem_figure_drills_down_to_exactly_the_records_it_counts(world, ledger):
    result = figures(year=2020, region=world.district)
    expected = {
        "problems_raised": ["B", "C", "D", "E", "F"],
        "problems_resolved": ["A", "B", "C"],
        "problems_resolved_on_time": ["B"],
        "problems_overdue": ["D", "E"],
    }
    for key, params in problem_drilldown(2020).items():
        queryset = Problem.objects.filter(district=world.district)
        codes = sorted(ProblemFilterSet(params, queryset=queryset).qs.values_list("code", flat=True))
        assert codes == expected[key] and len(codes) == result[key], key


def test_a_township_code_counts_the_problems_of_its_projects_and_a_township_without_any_has_no_data(world, ledger):
    _problem(world, "T", D(2020, 6, 1), D(2020, 6, 30), D(2020, 6, 20), project=world.project)
    assert figures(year=2020, region=world.township)["problems_raised"] == 1
    assert figures(year=2020, region=world.other_township)["problems_raised"] is None


def test_problem_figures_are_null_without_any_problem_and_zero_once_there_are_some(world):
    assert figures(year=2020, region=world.district)["problems_raised"] is None
    _problem(world, "X", D(2019, 1, 1), D(2019, 2, 1), D(2019, 1, 20))
    result = figures(year=2020, region=world.district)
    assert (result["problems_raised"], result["problems_overdue"]) == (0, 0)
