from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from casualties import reference_services
from casualties.api import serializers
from casualties.api.permissions import RecordStatusChange
from casualties.filtersets import (
    ConflictFilterSet,
    PartyFilterSet,
    PersonFilterSet,
    PersonMergeFilterSet,
    SourceFilterSet,
    StatementFilterSet,
)
from casualties.merging import kept_person_id
from casualties.models import Conflict, Figure, Party, Person, PersonMerge, Source, Statement
from casualties.search.paging import SearchPagination
from core.api.caching import conditional
from core.api.viewsets import ResourceViewSet
from core.tiers import is_staff


class ReferenceWrites:
    """Conflicts, parties and sources, written by coordinators (DESIGN §5) through the
    services the staff pages use too; a value they refuse is a 400 naming its field (the
    API's exception handler reads their ValidationError). ``writes`` names the create and
    update services and the update's keyword for the record."""

    writes: tuple

    def perform_create(self, serializer):
        create, _update, _name = self.writes
        serializer.instance = create(**serializer.validated_data)

    def perform_update(self, serializer):
        _create, update, name = self.writes
        data = dict(serializer.validated_data)
        serializer.instance = update(**{name: serializer.instance, "data": data})


class ConflictViewSet(ReferenceWrites, ResourceViewSet):
    writes = (reference_services.conflict_create, reference_services.conflict_update, "conflict")
    queryset = Conflict.objects.all()
    lookup_field = "slug"
    public_serializer_class = staff_serializer_class = serializers.ConflictSerializer
    filterset_class = ConflictFilterSet
    ordering_fields = ["start_date", "slug", "name", "updated_at"]
    ordering = ["-start_date", "slug"]
    csv_name = "conflicts"


class PartyViewSet(ReferenceWrites, ResourceViewSet):
    writes = (reference_services.party_create, reference_services.party_update, "party")
    queryset = Party.objects.all()
    lookup_field = "code"
    public_serializer_class = staff_serializer_class = serializers.PartySerializer
    filterset_class = PartyFilterSet
    ordering_fields = ["code", "name", "updated_at"]
    ordering = ["code"]
    csv_name = "parties"


class SourceViewSet(ReferenceWrites, ResourceViewSet):
    writes = (reference_services.source_create, reference_services.source_update, "source")
    queryset = Source.objects.select_related("party")
    public_serializer_class = staff_serializer_class = serializers.SourceSerializer
    filterset_class = SourceFilterSet
    ordering_fields = ["name", "kind", "updated_at"]
    ordering = ["name", "id"]
    csv_name = "sources"


class StatementViewSet(ResourceViewSet):
    # Figures and their parties in one extra query for the whole page, however many rows.
    queryset = Statement.objects.select_related("conflict", "source").prefetch_related(
        Prefetch("figures", queryset=Figure.objects.select_related("subject_party"))
    )
    public_serializer_class = staff_serializer_class = serializers.StatementSerializer
    filterset_class = StatementFilterSet
    ordering_fields = ["as_of", "issued_on", "updated_at", "id"]
    ordering = ["-as_of", "-issued_on", "-id"]
    csv_name = "statements"


@extend_schema_view(
    create=extend_schema(
        request=serializers.PersonStaffSerializer,
        responses={201: serializers.PersonStaffSerializer},
    ),
    partial_update=extend_schema(
        request=serializers.PersonStaffSerializer, responses=serializers.PersonStaffSerializer
    ),
)
class PersonViewSet(ResourceViewSet):
    """Staff see every field; the public sees no restricted field and a name only where it
    may be published."""

    queryset = Person.objects.select_related("conflict", "party")
    public_serializer_class = serializers.PersonPublicSerializer
    staff_serializer_class = serializers.PersonStaffSerializer
    filterset_class = PersonFilterSet
    # Ordering is part of PersonFilterSet: for the public it must not sort by hidden names.
    filter_backends = [DjangoFilterBackend]
    pagination_class = SearchPagination
    csv_name = "persons"

    def retrieve(self, request, *args, **kwargs):
        """A merged record's id answers 302 to the record it was merged into: for staff
        always, for the public only when both records' names are public; otherwise the old
        id is 404, as if it never existed, so it ties no hidden record to a published name."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            kept = kept_person_id(kwargs.get("pk"), public=not is_staff(request.user))
            if kept is None:
                raise
            return redirect(reverse("api:person-detail", kwargs={"pk": kept}))

    @extend_schema(
        responses=serializers.StatusChangeStaffSerializer(many=True),
        description="The person's status history, oldest first. The public sees status, "
        "date and whether it was a correction; staff also see source, reason and recorder.",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="status",
        permission_classes=[RecordStatusChange],
        filter_backends=[],
        pagination_class=None,
    )
    @method_decorator(conditional)
    def status_history(self, request, pk=None):
        person = self.get_object()
        changes = person.status_changes.select_related("recorded_by").order_by(
            "effective_date", "recorded_at", "id"
        )
        return Response(self._status_serializer_class()(changes, many=True).data)

    @extend_schema(
        request=serializers.StatusChangeStaffSerializer,
        responses={201: serializers.StatusChangeStaffSerializer},
    )
    @status_history.mapping.post
    def record_status(self, request, pk=None):
        person = self.get_object()
        context = {**self.get_serializer_context(), "person": person}
        serializer = serializers.StatusChangeStaffSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        change = serializer.save()
        body = self._status_serializer_class()(change, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _status_serializer_class(self):
        if is_staff(self.request.user):
            return serializers.StatusChangeStaffSerializer
        return serializers.StatusChangePublicSerializer


class PersonMergeViewSet(ResourceViewSet):
    """Records merged into others, newest first: ``/persons/{merged_id}/`` now redirects to
    ``person``. Read-only: merging is done on the staff page, where both records are shown.
    The public sees only merges of two public names, the ones it is redirected by."""

    http_method_names = ["get", "head", "options"]
    queryset = PersonMerge.objects.select_related("merged_by")
    lookup_field = "merged_id"
    lookup_value_regex = "[0-9]{1,18}"  # a bigint, or no such URL
    public_serializer_class = serializers.PersonMergePublicSerializer
    staff_serializer_class = serializers.PersonMergeStaffSerializer
    filterset_class = PersonMergeFilterSet
    ordering_fields = ["merged_at", "merged_id"]
    ordering = ["-merged_at", "-id"]
    csv_name = "person-merges"

    def get_queryset(self):
        merges = super().get_queryset()
        return merges if is_staff(self.request.user) else merges.publicly_redirected()
