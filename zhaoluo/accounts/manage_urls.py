"""The 安全管理员's pages (namespace `secadmin`, reachable only from ZHAOLUO_ADMIN_NETWORKS)."""

from django.urls import URLPattern, path

from . import bulk_views, views

app_name = "secadmin"

urlpatterns: list[URLPattern] = [
    path("", views.manage_list, name="accounts"),
    path("new/", views.manage_create, name="create"),
    path("bulk/", bulk_views.manage_bulk, name="bulk"),
    path("bulk/sheet.xlsx", bulk_views.manage_bulk_sheet, name="bulk-sheet"),
    path("<int:pk>/reset-password/", views.manage_reset, name="reset"),
    path("<int:pk>/active/", views.manage_active, name="active"),
    path("<int:pk>/unlock/", views.manage_unlock, name="unlock"),
    path("<int:pk>/otp-reset/", views.manage_otp_reset, name="otp-reset"),
    path("<int:pk>/role/", views.manage_role, name="role"),
]
