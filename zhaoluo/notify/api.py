"""REST API of the inbox: the caller's own notifications, and marking them read."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhaoluo.core.api_support import ApiMixin, acting_user, errors

from . import selectors, services
from .filters import NotificationFilterSet
from .models import Notification

TAG = ["消息"]
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="消息编号")


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    event_display = serializers.CharField(source="get_event_display", read_only=True, label="类别名称")
    is_read = serializers.BooleanField(read_only=True, label="已读")

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_display",
            "subject",
            "body",
            "link",
            "object_type",
            "object_id",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


ReadAllSerializer = inline_serializer("NotificationReadAll", {"marked": serializers.IntegerField()})


@extend_schema_view(
    list=extend_schema(
        summary="我的消息（只含发给本人的）", tags=TAG, responses={200: NotificationSerializer, **errors(400)}
    ),
    retrieve=extend_schema(
        summary="消息详情", tags=TAG, parameters=[ID], responses={200: NotificationSerializer, **errors(404)}
    ),
)
class NotificationViewSet(ApiMixin, viewsets.GenericViewSet[Notification]):
    """The caller's own inbox; anyone else's notification is 404."""

    queryset = Notification.objects.none()  # for the router and the schema; reads use selectors
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.notification_list(user=self.request.user)

    def notification(self) -> Notification:
        return selectors.notification_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(NotificationSerializer(self.notification()).data)

    @extend_schema(
        summary="标为已读",
        tags=TAG,
        parameters=[ID],
        request=None,
        responses={200: NotificationSerializer, **errors(404)},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = self.notification()
        services.notification_mark_read(notification=notification, by=acting_user(request))
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary="全部标为已读", tags=TAG, request=None, responses={200: ReadAllSerializer, **errors()})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        data: dict[str, Any] = {"marked": services.notification_mark_all_read(by=acting_user(request))}
        return Response(data)
