from django.urls import URLPattern, path

from . import views

app_name = "approvals"

urlpatterns: list[URLPattern] = [
    path("", views.approval_list, name="list"),
    path("totals/", views.approval_totals, name="totals"),
    path("export.xlsx", views.approval_export, name="export"),
    path("totals.xlsx", views.totals_export, name="totals_export"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("project/<int:pk>/new/", views.approval_create, name="create"),
    path("<int:pk>/edit/", views.approval_edit, name="edit"),
]
