from django.urls import URLPattern, path

from . import views

app_name = "ledgers"

urlpatterns: list[URLPattern] = [
    path("", views.ledger_index, name="index"),
    path("<slug:kind_name>/import/", views.ledger_import, name="import"),
    path("<slug:kind_name>/import/<str:token>/confirm/", views.ledger_confirm, name="confirm"),
    path("<slug:kind_name>/import/<str:token>/issues.xlsx", views.ledger_issues, name="issues"),
    path("<slug:kind_name>/template.xlsx", views.ledger_template, name="template"),
    path("<slug:kind_name>/export.xlsx", views.ledger_export, name="export"),
]
