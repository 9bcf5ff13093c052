from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhaoluo.projects"
    label = "projects"
    verbose_name = "项目"
