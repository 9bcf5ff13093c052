from django.urls import URLPattern, path

from zhaoluo.accounts import views as account_views

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.audit_search, name="audit-search"),
    path("audit/export.xlsx", views.audit_export, name="audit-export"),
]
