"""The identification records over the staff API (DESIGN §6, §9): forensic coordinators only;
writes through the services; every AM answer is logged as a read of those persons' data."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.tiers import is_forensic
from identification import services
from identification.api import serializers
from identification.candidates import candidates
from identification.models import AnteMortem, DnaMatchReport, PostMortem, Proposal, Sample
from identification.views import FORENSIC_PAGES
from repatriation.models import Remains


class IsForensic(permissions.BasePermission):
    message = FORENSIC_PAGES

    def has_permission(self, request, view):
        return is_forensic(request.user)


class RecordViewSet(viewsets.ModelViewSet):
    """Create, read and change one kind of forensic record; no deletion over the API."""

    permission_classes = [IsForensic]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        model = serializer.Meta.model
        serializer.instance = services.record_save(
            instance=model(), user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.record_save(
            instance=serializer.instance, user=self.request.user, data=serializer.validated_data
        )


class PostMortemViewSet(RecordViewSet):
    queryset = PostMortem.objects.order_by("id")
    serializer_class = serializers.PostMortemSerializer


class AnteMortemViewSet(RecordViewSet):
    queryset = AnteMortem.objects.order_by("id")
    serializer_class = serializers.AnteMortemSerializer

    def finalize_response(self, request, response, *args, **kwargs):
        # Log what was actually shown: the records of this page, or the one record.
        if request.method == "GET" and response.status_code == 200:
            rows = response.data.get("results", [response.data])
            ids = [row["person"] for row in rows if "person" in row]
            services.am_access_record(user=request.user, person_ids=ids, path=request.path)
        return super().finalize_response(request, response, *args, **kwargs)


class SampleViewSet(RecordViewSet):
    queryset = Sample.objects.order_by("id")
    serializer_class = serializers.SampleSerializer


class DnaMatchReportViewSet(RecordViewSet):
    queryset = DnaMatchReport.objects.order_by("id")
    serializer_class = serializers.DnaMatchReportSerializer


class ProposalViewSet(viewsets.ModelViewSet):
    """The board: propose (POST), then another coordinator confirms or rejects."""

    permission_classes = [IsForensic]
    http_method_names = ["get", "post", "head", "options"]
    queryset = Proposal.objects.order_by("proposed_at", "id")
    serializer_class = serializers.ProposalSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.proposal_create(
            remains=data["remains"],
            person=data["person"],
            evidence=data["evidence"],
            dna_report=data.get("dna_report"),
            reasoning=data.get("reasoning", ""),
            user=self.request.user,
        )

    @extend_schema(request=None, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        proposal = services.proposal_confirm(proposal=self.get_object(), user=request.user)
        return Response(self.get_serializer(proposal).data)

    @extend_schema(request=serializers.RejectSerializer, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = serializers.RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = services.proposal_reject(
            proposal=self.get_object(),
            user=request.user,
            reason=body.validated_data["rejection_reason"],
        )
        return Response(self.get_serializer(proposal).data)


class CandidateViewSet(viewsets.ViewSet):
    """``GET remains/{id}/candidates/``: the ranked candidates for one remains."""

    permission_classes = [IsForensic]

    @extend_schema(responses=serializers.CandidateSerializer(many=True))
    def list(self, request, remains_pk=None):
        remains = get_object_or_404(Remains, pk=remains_pk)
        found = candidates(remains_id=remains.pk)
        services.am_access_record(
            user=request.user, person_ids=[row["person_id"] for row in found], path=request.path
        )
        return Response(serializers.CandidateSerializer(found, many=True).data)
