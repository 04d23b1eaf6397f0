from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portal.transitions import InvalidTransition

from .filters import DMPFilter
from .models import DMPVersion, ReviewComment
from .selectors import dmp_list
from .serializers import (
    AnswersSerializer,
    DMPDetailSerializer,
    DMPSerializer,
    DMPTransitionSerializer,
    ReviewCommentSerializer,
)
from .services import dmp_save_answers, dmp_transition, review_comment_add


class DMPViewSet(viewsets.ReadOnlyModelViewSet):
    """DMPs the caller may see (`DMP.objects.visible_to`); anything else is a 404. Transitions are POST
    actions; illegal ones and bad input answer 400 with the reason."""

    filterset_class = DMPFilter
    permission_classes = [permissions.AllowAny]  # visibility is the queryset's; actions check roles

    def get_queryset(self):
        return dmp_list(user=self.request.user).select_related("approved_version")

    def get_serializer_class(self):
        return DMPDetailSerializer if self.action == "retrieve" else DMPSerializer

    def _transition(self, request, name):
        dmp = self.get_object()
        serializer = DMPTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            dmp = dmp_transition(dmp_id=dmp.pk, action=name, actor=request.user,
                                 message=serializer.validated_data["message"])
        except InvalidTransition as error:
            raise ValidationError({"status": [str(error)]}) from error
        return Response(DMPDetailSerializer(self.get_queryset().get(pk=dmp.pk)).data)

    @extend_schema(request=DMPTransitionSerializer, responses=DMPDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, "submit")

    @extend_schema(request=DMPTransitionSerializer, responses=DMPDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        return self._transition(request, "request_changes")

    @extend_schema(request=DMPTransitionSerializer, responses=DMPDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, "approve")

    @extend_schema(request=DMPTransitionSerializer, responses=DMPDetailSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._transition(request, "revise")

    @extend_schema(request=DMPTransitionSerializer, responses=DMPDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, "withdraw")

    @extend_schema(request=AnswersSerializer, responses=DMPDetailSerializer)
    @action(detail=True, methods=["patch"])
    def answers(self, request, pk=None):
        dmp = self.get_object()
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            dmp_save_answers(dmp_id=dmp.pk, actor=request.user, answers=serializer.validated_data["answers"])
        except DjangoValidationError as error:
            raise ValidationError({"answers": error.message_dict}) from error
        return Response(DMPDetailSerializer(self.get_queryset().get(pk=dmp.pk)).data)

    @extend_schema(request=ReviewCommentSerializer, responses=ReviewCommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        dmp = self.get_object()
        if request.method == "POST":
            serializer = ReviewCommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            version = get_object_or_404(DMPVersion, dmp=dmp, number=serializer.validated_data["version"]["number"])
            review_comment_add(version_id=version.pk, question_key=serializer.validated_data["question_key"],
                               actor=request.user, body=serializer.validated_data["body"])
        comments = ReviewComment.objects.filter(version__dmp=dmp).select_related("version", "author")
        return Response(ReviewCommentSerializer(comments, many=True).data, status=201 if request.method == "POST"
                        else 200)
