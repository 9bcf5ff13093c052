"""The funnel: counts, conversion rates, cohorts and clusters on a small constructed district."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoluo.projects.choices import Stage
from zhaoluo.stats import funnel
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def dataset(world):
    x = f.ClusterFactory.create(name="纺织服装")
    y = f.ClusterFactory.create(name="农产品加工")

    def make(name, stage, cluster=None, is_key=True, district=None, **dates):
        return f.ProjectFactory.create(
            name=name, district=district or world.district, stage=stage, cluster=cluster, is_key=is_key, **dates
        )

    make(
        "A",
        Stage.AT_CAPACITY,
        x,
        signed_on=D(2020, 3, 1),
        started_on=D(2020, 6, 1),
        producing_on=D(2021, 1, 1),
        at_capacity_on=D(2021, 6, 1),
    )
    make("B", Stage.STARTED, x, signed_on=D(2020, 5, 1), started_on=D(2021, 2, 1))
    make("C", Stage.SIGNED, y, signed_on=D(2020, 9, 1))
    make(
        "D",
        Stage.AT_CAPACITY,
        y,
        is_key=False,
        signed_on=D(2019, 11, 1),
        started_on=D(2020, 2, 1),
        producing_on=D(2020, 8, 1),
        at_capacity_on=D(2020, 12, 1),
    )
    make("E", Stage.SIGNED, None, signed_on=D(2021, 1, 5))
    make("F", Stage.SIGNED, x, district=world.other_district, signed_on=D(2020, 1, 1))
    return {"x": x, "y": y}


def scope(world, key_only=False):
    from zhaoluo.projects.selectors import project_list

    return funnel.scoped(project_list(user=world.investment), key_only=key_only)


def test_medal_counts_in_a_year_with_and_without_the_key_only_toggle(world, dataset):
    assert funnel.year_counts(scope(world), 2020) == {"signed": 3, "started": 2, "producing": 1, "at_capacity": 1}
    assert funnel.year_counts(scope(world, key_only=True), 2020) == {
        "signed": 3,
        "started": 1,
        "producing": 0,
        "at_capacity": 0,
    }


def test_conversion_rates_of_a_year(world, dataset):
    rates = funnel.conversions(funnel.year_counts(scope(world), 2020))
    assert rates == {
        "started_per_signed": Decimal("66.7"),
        "producing_per_started": Decimal("50.0"),
        "capacity_per_started": Decimal("50.0"),
    }
    assert funnel.rate(1, 0) is None


def test_the_cohort_of_a_signing_year_followed_to_today(world, dataset):
    rows = {r["year"]: r for r in funnel.cohorts(scope(world), [2019, 2020, 2021])}
    assert (rows[2020]["signed"], rows[2020]["started"], rows[2020]["producing"], rows[2020]["at_capacity"]) == (
        3,
        2,
        1,
        1,
    )
    assert rows[2020]["started_rate"] == Decimal("66.7") and rows[2020]["capacity_rate"] == Decimal("33.3")
    assert (rows[2019]["signed"], rows[2019]["at_capacity"]) == (1, 1)
    assert (rows[2021]["signed"], rows[2021]["started"]) == (1, 0)


def test_by_year_and_by_cluster(world, dataset):
    yearly = {r["year"]: r for r in funnel.by_year(scope(world), [2019, 2020, 2021])}
    assert [yearly[2021][k] for k in funnel.STAGE_KEYS] == [1, 1, 1, 1]
    assert [yearly[2019][k] for k in funnel.STAGE_KEYS] == [1, 0, 0, 0]
    clusters = {r["cluster"]: r for r in funnel.by_cluster(scope(world), 2020)}
    assert set(clusters) == {"纺织服装", "农产品加工"}
    assert [clusters["纺织服装"][k] for k in funnel.STAGE_KEYS] == [2, 1, 0, 0]
    assert [clusters["农产品加工"][k] for k in funnel.STAGE_KEYS] == [1, 1, 1, 1]
    assert clusters["纺织服装"]["started_per_signed"] == Decimal("50.0")


def test_each_funnel_query_is_one_query(world, dataset, django_assert_num_queries):
    projects = scope(world)
    with django_assert_num_queries(1):
        funnel.year_counts(projects, 2020)
    with django_assert_num_queries(1):
        funnel.by_year(projects, [2018, 2019, 2020, 2021])
    with django_assert_num_queries(1):
        funnel.cohorts(projects, [2019, 2020])
    with django_assert_num_queries(1):
        funnel.by_cluster(projects, 2020)


def _number(html: str, stage: str) -> tuple[str, int]:
    match = re.search(rf'<a href="([^"]+)" data-stage="{stage}">(\d+)</a>', html)
    assert match, stage
    return match.group(1).replace("&amp;", "&"), int(match.group(2))


def test_the_page_shows_the_numbers_and_each_drills_down_to_exactly_those_projects(world, dataset):
    client = world.client_for(world.principal)
    response = client.get(reverse("stats:funnel"), {"year": 2020, "key": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    for stage, expected in [("signed", 3), ("started", 1), ("producing", 0), ("at_capacity", 0)]:
        url, shown = _number(html, stage)
        assert shown == expected
        listed = client.get(url).context["page"].paginator.count
        assert listed == expected, url
    assert "signed_year=2020&is_key=true" in html.replace("&amp;", "&")
    assert 'id="funnel-data"' in html and "<script>" not in html.replace("<script src=", "")


def test_cohort_and_cluster_links_match_their_numbers(world, dataset):
    client = world.client_for(world.investment)
    response = client.get(reverse("stats:funnel"), {"year": 2020})
    context = response.context
    cohort_2020 = next(r for r in context["cohorts"] if r["year"] == 2020)
    for key in funnel.STAGE_KEYS:
        assert client.get(cohort_2020["links"][key]).context["page"].paginator.count == cohort_2020[key]
    textile = next(r for r in context["clusters"] if r["cluster"] == "纺织服装")
    for key in funnel.STAGE_KEYS:
        assert client.get(textile["links"][key]).context["page"].paginator.count == textile[key]


def test_the_funnel_counts_only_the_users_scope(world, dataset):
    # The outsider is 招商 of the next district: only project F (theirs) counts, nothing of 襄州区.
    response = world.client_for(world.outsider).get(reverse("stats:funnel"), {"year": 2020})
    assert response.status_code == 200
    assert [s["count"] for s in response.context["stages"]] == [1, 0, 0, 0]
    assert (
        world.client_for(world.nobody).get(reverse("stats:funnel"), {"year": 2020}).context["stages"][0]["count"] == 0
    )


def test_a_bad_year_falls_back_to_a_sensible_one(world, dataset):
    response = world.client_for(world.investment).get(reverse("stats:funnel"), {"year": "abc"})
    assert response.status_code == 200 and response.context["year"] == 2021


def test_the_no_cluster_row_drills_down_to_exactly_the_projects_without_a_cluster(world, dataset):
    f.ProjectFactory.create(name="G", district=world.district, stage=Stage.SIGNED, signed_on=D(2020, 4, 1))
    f.ProjectFactory.create(
        name="H", district=world.district, stage=Stage.STARTED, signed_on=D(2020, 2, 1), started_on=D(2020, 7, 1)
    )
    client = world.client_for(world.investment)
    response = client.get(reverse("stats:funnel"), {"year": 2020})
    orphans = next(r for r in response.context["clusters"] if r["cluster"] is None)
    assert (orphans["signed"], orphans["started"]) == (2, 1)
    html = response.content.decode().replace("&amp;", "&")
    for key in funnel.STAGE_KEYS:
        link = orphans["links"][key]
        assert "no_cluster=true" in link and link in html
        listed = client.get(link).context["page"]
        assert listed.paginator.count == orphans[key], link
        assert all(p.cluster_id is None for p in listed.object_list)
    # The list itself offers the filter, so the drill-down can be read and changed there.
    page = client.get(orphans["links"]["signed"])
    assert sorted(p.name for p in page.context["page"].object_list) == ["G", "H"]
    assert 'name="no_cluster"' in page.content.decode() and page.context["advanced_open"]
