from django.urls import URLPattern, path

from . import token_views, views

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("password/", views.password_change, name="password-change"),
    path("security/", views.security, name="security"),
    path("otp/verify/", views.otp_verify, name="otp-verify"),
    path("otp/enrol/", views.otp_enrol, name="otp-enrol"),
    path("otp/enrol/qr.svg", views.otp_qr, name="otp-qr"),
    path("otp/<int:pk>/remove/", views.otp_remove, name="otp-remove"),
    path("tokens/new/", token_views.token_create, name="token-create"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
]
