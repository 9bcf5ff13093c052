from django.urls import URLPattern, path

from . import views

app_name = "enterprises"

urlpatterns: list[URLPattern] = [
    path("", views.enterprise_list, name="list"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/unmask/", views.enterprise_unmask, name="unmask"),
    path("export.xlsx", views.enterprise_export, name="export"),
]
