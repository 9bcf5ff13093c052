from django.urls import URLPattern, path

from . import views

# The start page is the cockpit's (zhaoluo/cockpit/urls.py); login and logout the accounts app's.
urlpatterns: list[URLPattern] = [
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.audit_search, name="audit-search"),
    path("audit/export.xlsx", views.audit_export, name="audit-export"),
]
