from django.urls import URLPattern, path

from . import views

app_name = "problems"

urlpatterns: list[URLPattern] = [
    path("<int:pk>/", views.problem_detail, name="detail"),
]
