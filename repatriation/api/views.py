"""Agreements and handovers over the API (DESIGN §6): reads in the public or the staff tier,
writes through the services, verification as an action, ``Idempotency-Key`` on POST."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.viewsets import ResourceViewSet
from core.tiers import is_staff
from repatriation import idempotency
from repatriation.api import serializers
from repatriation.api.claims import ClaimInputSerializer, MayRecordClaims, ReturnInputSerializer
from repatriation.filtersets import AgreementFilterSet, HandoverFilterSet
from repatriation.models import Agreement, Handover
from repatriation.services import (
    NO_VERIFY_PERMISSION,
    STATE_CODES,
    handover_claim_record,
    handover_verify,
    remains_return_to_sender,
)


class StateConflict(exceptions.APIException):
    """The request is valid but the handover's state forbids it (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The handover's state does not allow this.")
    default_code = "conflict"


class CanVerifyHandovers(permissions.BasePermission):
    message = NO_VERIFY_PERMISSION

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and user.has_perm("repatriation.verify_handover")
        )


class AgreementViewSet(ResourceViewSet):
    queryset = Agreement.objects.select_related("conflict", "party_a", "party_b", "mediator")
    public_serializer_class = staff_serializer_class = serializers.AgreementSerializer
    filterset_class = AgreementFilterSet
    ordering_fields = ["concluded_on", "name", "id", "updated_at"]
    ordering = ["-concluded_on", "id"]
    csv_name = "agreements"


IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        "Send the same key again (a retry) to get the first response back; nothing new is "
        "created. The same key with a different body is refused (422)."
    ),
)


class HandoverViewSet(ResourceViewSet):
    """Handovers with their remains. The public sees verified handovers only; staff see
    drafts too, and every field."""

    queryset = Handover.objects.with_details()
    public_serializer_class = serializers.PublicHandoverSerializer
    staff_serializer_class = serializers.HandoverSerializer
    filterset_class = HandoverFilterSet
    ordering_fields = ["date", "id", "updated_at"]
    ordering = ["-date", "-id"]
    csv_name = "handovers"

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if is_staff(self.request.user) else queryset.verified()

    def get_serializer_class(self):
        # Writing needs the model permission, and whoever holds it writes the full shape.
        if self.request and self.request.method not in permissions.SAFE_METHODS:
            return self.staff_serializer_class
        return super().get_serializer_class()

    @extend_schema(parameters=[IDEMPOTENCY_KEY])
    def create(self, request, *args, **kwargs):
        key = request.headers.get(idempotency.HEADER)
        if key is None:
            return super().create(request, *args, **kwargs)
        outcome = idempotency.once(
            user=request.user,
            key=key,
            path=request.path,
            body=request.data,
            run=lambda: self._created(request),
        )
        response = Response(outcome.body, status=outcome.status)
        if outcome.replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    def _created(self, request) -> tuple[int, dict]:
        """Create, and give back the response as plain JSON data, as it will be stored."""
        response = super().create(request)
        return response.status_code, json.loads(JSONRenderer().render(response.data))

    def perform_create(self, serializer):
        serializer.instance = self._reloaded(serializer.save())

    def perform_update(self, serializer):
        try:
            handover = serializer.save()
        except DjangoValidationError as exc:
            code = getattr(exc, "code", None)
            if code in ("verified", *STATE_CODES):
                raise StateConflict(exc.messages[0], code=code) from exc
            raise
        serializer.instance = self._reloaded(handover)

    @extend_schema(request=None, responses=serializers.HandoverSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanVerifyHandovers])
    def verify(self, request, pk=None):
        """Mark another person's draft verified (the four-eyes rule): not one you entered or
        changed (403), nor one already verified or sent back and not corrected since (409)."""
        try:
            handover = handover_verify(handover=self.get_object(), user=request.user)
        except DjangoValidationError as exc:
            code, message = getattr(exc, "code", None), exc.messages[0]
            if code in ("own_draft", "edited"):
                raise exceptions.PermissionDenied(message, code=code) from exc
            if code in STATE_CODES:
                raise StateConflict(message, code=code) from exc
            raise
        return Response(self.get_serializer(self._reloaded(handover)).data)

    @extend_schema(
        request=ClaimInputSerializer, responses={201: serializers.HandoverClaimSerializer}
    )
    @action(detail=True, methods=["post"], permission_classes=[MayRecordClaims])
    def claims(self, request, pk=None):
        """Record what a party to the handover (or its mediator) announced: its count, where
        it was said and when. Recording again for the same party replaces its claim. A claim
        is evidence and changes nothing in the handover, so no second person verifies it."""
        handover = self.get_object()
        body = ClaimInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = handover_claim_record(handover=handover, user=request.user, **body.validated_data)
        data = serializers.HandoverClaimSerializer(claim).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReturnInputSerializer, responses=serializers.RemainsSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[MayRecordClaims],
        url_path=r"remains/(?P<rid>[0-9]{1,18})/return",
        url_name="remains-return",
    )
    def return_remains(self, request, pk=None, rid=None):
        """Record unidentified remains of this handover as returned to the party that sent
        them. On a draft, by its clerk; on a verified handover, through a verified onward
        handover going back, or by an administrator with a reason (a correction)."""
        handover = self.get_object()
        remains = handover.remains.filter(pk=int(rid)).first()
        if remains is None:
            raise exceptions.NotFound()
        body = ReturnInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        returned = remains_return_to_sender(
            remains=remains, user=request.user, **body.validated_data
        )
        return Response(serializers.RemainsSerializer(returned).data)

    @staticmethod
    def _reloaded(handover: Handover) -> Handover:
        # The response shows the handover as a GET would: rows ordered, relations joined.
        return Handover.objects.with_details().get(pk=handover.pk)
