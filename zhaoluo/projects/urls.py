from django.urls import URLPattern, path

from . import views

app_name = "projects"

urlpatterns: list[URLPattern] = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/advance/", views.project_advance, name="advance"),
    path("<int:pk>/terminate/", views.project_terminate, name="terminate"),
    path("<int:pk>/reopen/", views.project_reopen, name="reopen"),
    path("<int:pk>/task-force/", views.project_task_force, name="task_force"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("<int:pk>/milestones/<int:mid>/edit/", views.milestone_edit, name="milestone_edit"),
    path("<int:pk>/milestones/<int:mid>/complete/", views.milestone_complete, name="milestone_complete"),
    path("<int:pk>/milestones/<int:mid>/delete/", views.milestone_delete, name="milestone_delete"),
    path("<int:pk>/progress/", views.progress_record, name="progress"),
    path("<int:pk>/funds/", views.fund_record, name="funds"),
    path("<int:pk>/files/<str:kind>/<int:file_id>/", views.project_file, name="file"),
]
