from django.urls import URLPattern, path

from . import views

app_name = "problems"

urlpatterns: list[URLPattern] = [
    path("", views.problem_list, name="list"),
    path("responsibility/", views.responsibility_list, name="responsibility"),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("export.xlsx", views.problem_export, name="export"),
    path("new/", views.problem_create, name="create"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/assign/", views.problem_assign, name="assign"),
    path("<int:pk>/start/", views.problem_start, name="start"),
    path("<int:pk>/resolve/", views.problem_resolve, name="resolve"),
    path("<int:pk>/return/", views.problem_return, name="return"),
    path("<int:pk>/close/", views.problem_close, name="close"),
    path("<int:pk>/rate/", views.problem_rate, name="rate"),
]
