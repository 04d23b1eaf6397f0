from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from portal.transitions import InvalidTransition

from .filters import ManagedDataFilter
from .models import ManagedData, RecordPerson
from .permissions import can_edit_managed_data
from .serializers import ManagedDataSerializer, TransitionSerializer
from .services import (
    managed_data_create,
    managed_data_edit_refusal,
    managed_data_new_version,
    managed_data_transition,
    managed_data_update,
)


class ManagedDataViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Managed-data records, through the visibility rule: a record you may not see is a 404. Lists show
    published records unless `status` is given."""

    serializer_class = ManagedDataSerializer
    filterset_class = ManagedDataFilter
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        user = self.request.user
        queryset = (
            ManagedData.objects.visible_to(user).with_data_access(user)
            .select_related("project", "institution")
            .prefetch_related(Prefetch("people", queryset=RecordPerson.objects.order_by("kind", "position", "pk")),
                              "files")
            .order_by("-datestamp", "-pk")
        )
        return queryset.listed(self.request.query_params.get("status")) if self.action == "list" else queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        project, people = data.pop("project"), data.pop("people", [])
        serializer.instance = managed_data_create(project=project, actor=self.request.user, data=data, people=people)
        serializer.instance.data_access = True

    def perform_update(self, serializer):
        record = serializer.instance
        if not can_edit_managed_data(self.request.user, record):
            raise PermissionDenied(managed_data_edit_refusal(record))
        data = dict(serializer.validated_data)
        data.pop("project", None)
        people = data.pop("people", None)
        serializer.instance = managed_data_update(record_id=record.pk, actor=self.request.user, data=data,
                                                  people=people)
        serializer.instance.data_access = True

    def _transition(self, request, pk, name):
        record = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            managed_data_transition(record_id=record.pk, action=name, actor=request.user,
                                    message=payload.validated_data["message"])
        except InvalidTransition as error:
            raise ValidationError({"status": [str(error)]}) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    @extend_schema(request=None, responses={201: ManagedDataSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        """Start the next version of a published record (or get the one under way) as a draft to edit."""
        record = self.get_object()
        new = managed_data_new_version(record_id=record.pk, actor=request.user)  # a refusal is a 403 (portal.rest)
        return Response(self.get_serializer(self.get_queryset().get(pk=new.pk)).data, status=201)

    @extend_schema(request=TransitionSerializer, responses=ManagedDataSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, pk, "submit")

    @extend_schema(request=TransitionSerializer, responses=ManagedDataSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._transition(request, pk, "return")

    @extend_schema(request=TransitionSerializer, responses=ManagedDataSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(request, pk, "publish")

    @extend_schema(request=TransitionSerializer, responses=ManagedDataSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, pk, "withdraw")
