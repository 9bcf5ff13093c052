"""The REST API under /api/: one router for the apps' viewsets, plus token, me, schema and docs."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

import zhaoluo.core.api_schema  # noqa: F401 - registers the enum naming extension
from zhaoluo.accounts.api import TokenObtainView
from zhaoluo.approvals.api import ApprovalViewSet
from zhaoluo.assistance.api import AssistanceFormViewSet
from zhaoluo.core.api_views import DocsView, SchemaView
from zhaoluo.enterprises.api import EnterpriseViewSet
from zhaoluo.ledgers.api import LedgerExportView, LedgerImportView
from zhaoluo.meetings.api import MeetingViewSet
from zhaoluo.notify.api import NotificationViewSet
from zhaoluo.orgs.api import MeView, OfficialsView, TownshipsView, UnitsView
from zhaoluo.problems.api import ProblemViewSet
from zhaoluo.projects.api import FundViewSet, MilestoneViewSet, ProjectViewSet
from zhaoluo.service.api import FlagViewSet, PairingViewSet, PoolMembershipViewSet, VisitViewSet
from zhaoluo.supervision.api import NoticeViewSet, ProblemEscalationsView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("projects", ProjectViewSet, basename="api-project")
router.register("milestones", MilestoneViewSet, basename="api-milestone")
router.register("funds", FundViewSet, basename="api-fund")
router.register("enterprises", EnterpriseViewSet, basename="api-enterprise")
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("problems", ProblemViewSet, basename="api-problem")
router.register("assistance-forms", AssistanceFormViewSet, basename="api-assistance")
router.register("approvals", ApprovalViewSet, basename="api-approval")
router.register("meetings", MeetingViewSet, basename="api-meeting")
router.register("notices", NoticeViewSet, basename="api-notice")
router.register("pairings", PairingViewSet, basename="api-pairing")
router.register("visits", VisitViewSet, basename="api-visit")
router.register("visit-flags", FlagViewSet, basename="api-visit-flag")
router.register("pool-memberships", PoolMembershipViewSet, basename="api-pool-membership")

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("orgs/officials/", OfficialsView.as_view(), name="api-officials"),
    path("orgs/units/", UnitsView.as_view(), name="api-units"),
    path("orgs/townships/", TownshipsView.as_view(), name="api-townships"),
    path("ledgers/<slug:kind>/", LedgerImportView.as_view(), name="api-ledger-import"),
    path("ledgers/<slug:kind>/export", LedgerExportView.as_view(), name="api-ledger-export"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(), name="api-docs"),
    path("problems/<int:pk>/escalations/", ProblemEscalationsView.as_view(), name="api-problem-escalations"),
    path("", include(router.urls)),
]
