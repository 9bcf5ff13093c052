from django.urls import URLPattern, path

from . import views

app_name = "assistance"

urlpatterns: list[URLPattern] = [
    path("", views.due_page, name="due"),
    path("all/", views.form_list, name="list"),
    path("new/", views.form_start, name="create"),
    path("<int:pk>/", views.form_detail, name="detail"),
    path("<int:pk>/edit/", views.form_edit, name="edit"),
    path("<int:pk>/submit/", views.form_submit, name="submit"),
    path("<int:pk>/print/", views.form_print, name="print"),
    path("<int:pk>/form.pdf", views.form_pdf, name="pdf"),
]
