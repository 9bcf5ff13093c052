from django.urls import URLPattern, path

from . import views

app_name = "meetings"

urlpatterns: list[URLPattern] = [
    path("", views.meeting_list, name="list"),
    path("mine/", views.my_meetings, name="mine"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/agenda/", views.agenda_edit, name="agenda"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/decisions/new/", views.decision_create, name="decision"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/pack.docx", views.meeting_pack, name="pack"),
]
