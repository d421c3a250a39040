from rest_framework import serializers

from casualties.models import Conflict, Party, Source


class ConflictSerializer(serializers.ModelSerializer):
    class Meta:
        model = Conflict
        fields = ["id", "slug", "name", "start_date", "end_date", "description", "updated_at"]


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "code", "name", "kind", "updated_at"]


class SourceSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(
        slug_field="code", queryset=Party.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Source
        fields = ["id", "name", "party", "kind", "updated_at"]
