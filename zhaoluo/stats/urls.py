from django.urls import URLPattern, path

from . import views

app_name = "stats"

urlpatterns: list[URLPattern] = [
    path("funnel/", views.funnel_page, name="funnel"),
]
