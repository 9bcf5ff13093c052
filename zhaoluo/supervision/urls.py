from django.urls import URLPattern, path

from . import views

app_name = "supervision"

urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("queue.xlsx", views.queue_export, name="queue_export"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<slug:code>/edit/", views.rule_edit, name="rule_edit"),
    path("deadline-rules/<slug:code>/edit/", views.deadline_rule_edit, name="deadline_rule_edit"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("problems/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("problems/<int:pk>/deescalate/", views.deescalate, name="deescalate"),
    path("problems/<int:pk>/listing/", views.listing, name="listing"),
    path("problems/<int:pk>/listing/lift/", views.listing_lift, name="listing_lift"),
    path("problems/<int:pk>/interview/", views.interview, name="interview"),
    path("projects/<int:pk>/green-channel/", views.green_channel, name="green_channel"),
]
