from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.audit_search, name="audit-search"),
    path("audit/export.xlsx", views.audit_export, name="audit-export"),
]
