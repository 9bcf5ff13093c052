from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve

from zhaoluo.accounts import views as account_views
from zhaoluo.core.adminsite import site as admin_site

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin_site.urls),
    path("", include("zhaoluo.cockpit.urls")),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("", include("zhaoluo.core.urls")),
    path("projects/", include("zhaoluo.projects.urls")),
    path("enterprises/", include("zhaoluo.enterprises.urls")),
    path("stats/", include("zhaoluo.stats.urls")),
    path("ledgers/", include("zhaoluo.ledgers.urls")),
    path("notifications/", include("zhaoluo.notify.urls")),
    path("problems/", include("zhaoluo.problems.urls")),
    path("assistance/", include("zhaoluo.assistance.urls")),
    path("approvals/", include("zhaoluo.approvals.urls")),
    path("meetings/", include("zhaoluo.meetings.urls")),
    path("api/", include("zhaoluo.api_urls")),
    path("privacy/", include("zhaoluo.core.privacy_views")),
    path("account/", include("zhaoluo.accounts.urls")),
    path("security/accounts/", include("zhaoluo.accounts.manage_urls")),
    path("supervision/", include("zhaoluo.supervision.urls")),
    path("service/", include("zhaoluo.service.urls")),
]

# Under /api/ these answer in the API's JSON error shape; elsewhere Django's HTML pages (templates/4xx, 500).
handler400 = "zhaoluo.core.api.handler400"
handler403 = "zhaoluo.core.api.handler403"
handler404 = "zhaoluo.core.api.handler404"
handler500 = "zhaoluo.core.api.handler500"

if settings.DEBUG:  # pragma: no cover - production serves media from nginx behind a login check
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
