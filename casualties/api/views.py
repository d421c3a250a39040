from casualties.api import serializers
from casualties.filtersets import ConflictFilterSet, PartyFilterSet, SourceFilterSet
from casualties.models import Conflict, Party, Source
from config.api.viewsets import ResourceViewSet


class ConflictViewSet(ResourceViewSet):
    queryset = Conflict.objects.all()
    lookup_field = "slug"
    public_serializer_class = staff_serializer_class = serializers.ConflictSerializer
    filterset_class = ConflictFilterSet
    ordering_fields = ["start_date", "slug", "name", "updated_at"]
    ordering = ["-start_date", "slug"]
    csv_name = "conflicts"


class PartyViewSet(ResourceViewSet):
    queryset = Party.objects.all()
    lookup_field = "code"
    public_serializer_class = staff_serializer_class = serializers.PartySerializer
    filterset_class = PartyFilterSet
    ordering_fields = ["code", "name", "updated_at"]
    ordering = ["code"]
    csv_name = "parties"


class SourceViewSet(ResourceViewSet):
    queryset = Source.objects.select_related("party")
    public_serializer_class = staff_serializer_class = serializers.SourceSerializer
    filterset_class = SourceFilterSet
    ordering_fields = ["name", "kind", "updated_at"]
    ordering = ["name", "id"]
    csv_name = "sources"
