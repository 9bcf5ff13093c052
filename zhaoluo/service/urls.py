from django.urls import URLPattern, path

from . import views

app_name = "service"

urlpatterns: list[URLPattern] = [
    path("", views.start, name="start"),
    path("pairings/", views.pairing_list, name="pairings"),
    path("pairings/new/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("enterprises/<int:pk>/", views.enterprise_service, name="enterprise"),
    path("enterprises/<int:pk>/visit/", views.visit_create, name="visit_create"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("needs/<int:pk>/raise/", views.need_raise, name="need_raise"),
    path("photos/<int:pk>/", views.visit_photo, name="photo"),
    path("flags/", views.flag_list, name="flags"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("pools/", views.pool_page, name="pools"),
    path("enterprises/<int:pk>/pool/", views.pool_enter, name="pool_enter"),
    path("portal/", views.portal, name="portal"),
    path("portal/need/", views.portal_need, name="portal_need"),
]
