from django.urls import URLPattern, path

from . import views

# Not namespaced: the start page has always been `home`.
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
]
