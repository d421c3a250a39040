"""A statement's figures as the API shows them: the latest revision of each (subject party,
category), its earlier revisions listed under it (DESIGN §3: both kept, the latest counts)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casualties.importing.revisions import latest_with_earlier
from casualties.models import Figure, Party
from core.api.fields import NamedRelatedField


class FigureRevisionSerializer(serializers.ModelSerializer):
    """An earlier value of a figure, and when it was recorded."""

    recorded_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Figure
        fields = ["revision", "value", "civilians", "qualifier", "recorded_at"]
        read_only_fields = fields


class FigureListSerializer(serializers.ListSerializer):
    """One entry per (party, category): its latest revision, the earlier ones under it,
    grouped from the rows already fetched (no query per statement)."""

    def to_representation(self, data):
        rows = data.all() if hasattr(data, "all") else data
        return [self.child.to_representation(figure) for figure in latest_with_earlier(rows)]


class FigureSerializer(serializers.ModelSerializer):
    subject_party = NamedRelatedField(slug_field="code", queryset=Party.objects.all())
    revisions = serializers.SerializerMethodField()

    class Meta:
        model = Figure
        fields = ["subject_party", "category", "value", "civilians", "qualifier", "revision"]
        fields += ["revisions"]
        read_only_fields = ["revision"]
        list_serializer_class = FigureListSerializer

    @extend_schema_field(FigureRevisionSerializer(many=True))
    def get_revisions(self, figure) -> list:
        return FigureRevisionSerializer(getattr(figure, "earlier", []), many=True).data
