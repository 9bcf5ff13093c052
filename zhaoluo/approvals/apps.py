from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "zhaoluo.approvals"
    label = "approvals"
    verbose_name = "审批事项（一网通办）"

    def ready(self) -> None:
        # The project timeline reads every audit row whose parent is the project; approvals
        # register their sentences there instead of the projects app knowing about them.
        from zhaoluo.projects import timeline as project_timeline

        from . import timeline

        project_timeline.HANDLERS.update(timeline.HANDLERS)
