from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "zhaoluo.service"
    label = "service"
    verbose_name = "百名干部进百企"

    def ready(self) -> None:
        # An enterprise's paired cadres hear of every hand-off of its problems (problems/services.py).
        from zhaoluo.problems import services as problem_services

        from .services import problem_followers

        if problem_followers not in problem_services.FOLLOWERS:
            problem_services.FOLLOWERS.append(problem_followers)
