from rest_framework import serializers

from identification.models import AnteMortem, DnaMatchReport, PostMortem, Proposal, Sample


class PostMortemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostMortem
        exclude = ["created_at"]


class AnteMortemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnteMortem
        exclude = ["created_at"]


class SampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sample
        exclude = ["created_at"]


class DnaMatchReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = DnaMatchReport
        exclude = ["created_at"]


class ProposalSerializer(serializers.ModelSerializer):
    evidence = serializers.ListField(child=serializers.CharField(max_length=16), allow_empty=False)

    class Meta:
        model = Proposal
        exclude = ["created_at"]
        read_only_fields = [
            "proposed_by",
            "proposed_at",
            "state",
            "decided_by",
            "decided_at",
            "rejection_reason",
        ]
        # The one-pending rule is the service's (and the database's) to report.
        validators = []


class RejectSerializer(serializers.Serializer):
    rejection_reason = serializers.CharField()


class CandidateSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    full_name = serializers.CharField()
    sex = serializers.CharField(allow_null=True)
    age_at_loss = serializers.IntegerField(allow_null=True)
    stature_min = serializers.IntegerField(allow_null=True)
    stature_max = serializers.IntegerField(allow_null=True)
    region = serializers.CharField(allow_null=True)
    last_seen_on = serializers.DateField(allow_null=True)
    score = serializers.FloatField()
