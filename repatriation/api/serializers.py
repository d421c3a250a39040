"""Agreements and handovers as the API shows them (DESIGN §6): a conflict by its slug, a party
by its code, everything else by id. Handovers come in two tiers (DESIGN §5): the public one
never holds a remains' ``dna_sample_ref`` or ``notes`` nor who entered or verified a handover.
Writes go through the services, so a rule reads the same here as in the forms."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casualties.models import Conflict, Party, Person
from core.api.fields import NamedRelatedField
from core.rows import rows_flattened
from repatriation.choices import HandoverKind
from repatriation.models import Agreement, Handover, HandoverClaim, Remains
from repatriation.services import (
    agreement_create,
    agreement_update,
    check_row_count,
    handover_create,
    handover_revise,
)


def party_field(**kwargs) -> serializers.SlugRelatedField:
    if kwargs.get("read_only"):
        return serializers.SlugRelatedField(slug_field="code", **kwargs)
    return NamedRelatedField(slug_field="code", queryset=Party.objects.all(), **kwargs)


def conflict_field(**kwargs) -> serializers.SlugRelatedField:
    if kwargs.get("read_only"):
        return serializers.SlugRelatedField(slug_field="slug", **kwargs)
    return NamedRelatedField(slug_field="slug", queryset=Conflict.objects.all(), **kwargs)


@extend_schema_field(
    {"type": "string", "enum": HandoverKind.values}, component_name="HandoverKindEnum"
)
class HandoverKindField(serializers.ChoiceField):
    """Agreements and handovers share one choice set; named once in the OpenAPI schema, as
    drf-spectacular cannot name an enum used under ``kind`` by several components."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=HandoverKind.choices, **kwargs)


class AgreementSerializer(serializers.ModelSerializer):
    conflict = conflict_field()
    kind = HandoverKindField()
    party_a = party_field()
    party_b = party_field()
    mediator = party_field(allow_null=True, required=False)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "conflict",
            "name",
            "kind",
            "concluded_on",
            "party_a",
            "party_b",
            "mediator",
            "count_to_a",
            "count_to_b",
            "citation",
            "created_at",
            "updated_at",
        ]

    def create(self, validated_data):
        return agreement_create(**validated_data)

    def update(self, instance, validated_data):
        return agreement_update(agreement=instance, data=validated_data)


PUBLIC_REMAINS_FIELDS = [
    "id",
    "case_number",
    "condition",
    "identification",
    "person",
    "method",
    "identified_on",
    "disposition",
    "disposition_on",
    "onward_handover",
]
# Where remains went is changed by its own service (remains_return_to_sender), never by a row.
DISPOSITION_FIELDS = ("disposition", "disposition_on", "onward_handover")


class PublicRemainsSerializer(serializers.ModelSerializer):
    """What anyone may read of remains: never the DNA sample reference or the notes."""

    class Meta:
        model = Remains
        fields = PUBLIC_REMAINS_FIELDS
        read_only_fields = PUBLIC_REMAINS_FIELDS


PERSONS_READ = "persons_read"


class BatchPersonField(serializers.PrimaryKeyRelatedField):
    """A row's person, taken from those the handover's serializer read for the whole list in
    one query (``PERSONS_READ`` in the context), else looked up alone."""

    def to_internal_value(self, data):
        found = self.context.get(PERSONS_READ, {})
        if type(data) is int and data in found:
            return found[data]
        return super().to_internal_value(data)


class RemainsSerializer(serializers.ModelSerializer):
    """Every field, for staff; also one row of a new handover's ``remains`` list."""

    # Writable: in a PATCH of a handover's rows, a row naming an id changes that row.
    id = serializers.IntegerField(required=False)
    person = BatchPersonField(
        queryset=Person.objects.select_related("party"), allow_null=True, required=False
    )

    class Meta:
        model = Remains
        fields = [*PUBLIC_REMAINS_FIELDS, "dna_sample_ref", "notes"]
        extra_kwargs = {
            # Blank is numbered by the service, which also checks the whole batch for
            # duplicates in one query instead of one per row.
            "case_number": {"required": False, "allow_blank": True, "validators": []},
            **{name: {"read_only": True} for name in DISPOSITION_FIELDS},
        }


PUBLIC_HANDOVER_FIELDS = [
    "id",
    "conflict",
    "agreement",
    "kind",
    "date",
    "location",
    "from_party",
    "to_party",
    "mediator",
    "reported_count",
    "reported_by",
    "citation",
    "remains",
    "released_persons",
    "claims",
    "created_at",
    "updated_at",
]


class HandoverClaimSerializer(serializers.ModelSerializer):
    """What one party announced for a handover (recorded through handover_claim_record)."""

    party = party_field(read_only=True)

    class Meta:
        model = HandoverClaim
        fields = ["party", "count", "citation", "stated_on"]
        read_only_fields = fields


class PublicHandoverSerializer(serializers.ModelSerializer):
    """A verified handover as anyone may read it (the view shows the public no drafts)."""

    conflict = conflict_field(read_only=True)
    kind = HandoverKindField(read_only=True)
    from_party = party_field(read_only=True)
    to_party = party_field(read_only=True)
    mediator = party_field(read_only=True)
    reported_by = party_field(read_only=True)
    remains = PublicRemainsSerializer(many=True, read_only=True)
    released_persons = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    claims = HandoverClaimSerializer(many=True, read_only=True)

    class Meta:
        model = Handover
        fields = PUBLIC_HANDOVER_FIELDS
        read_only_fields = PUBLIC_HANDOVER_FIELDS


class HandoverSerializer(serializers.ModelSerializer):
    """Staff tier, and the shape of writes: POST creates a draft with its ``remains`` (or, for
    prisoners, ``released_persons``) in one go; PATCH changes a draft, by its clerk (or an
    admin): its fields, and its rows when ``remains`` is given (the whole list; a row with an
    ``id`` changes that row, one without is added, rows left out are removed). A PATCH of a
    draft sent back resubmits it."""

    conflict = conflict_field()
    kind = HandoverKindField()
    agreement = serializers.PrimaryKeyRelatedField(
        queryset=Agreement.objects.all(), allow_null=True, required=False
    )
    # None for a recovery (the service says which kinds need it).
    from_party = party_field(allow_null=True, required=False)
    to_party = party_field()
    mediator = party_field(allow_null=True, required=False)
    reported_by = party_field(allow_null=True, required=False)
    remains = RemainsSerializer(many=True, required=False)
    released_persons = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Person.objects.all(), required=False
    )
    claims = HandoverClaimSerializer(many=True, read_only=True)
    entered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sent_back_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Handover
        fields = [
            *PUBLIC_HANDOVER_FIELDS,
            "state",
            "entered_by",
            "verified_by",
            "verified_at",
            "review_comment",
            "sent_back_by",
            "sent_back_at",
        ]
        read_only_fields = ["state", "verified_at", "review_comment", "sent_back_at"]

    def to_internal_value(self, data):
        rows = data.get("remains") if isinstance(data, dict) else None
        if isinstance(rows, list):
            # Before any row is read: a list past the cap is refused whole, at once.
            try:
                check_row_count(rows)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from exc
            # The persons the rows name, in one query rather than one per row.
            ids = {row.get("person") for row in rows if isinstance(row, dict)}
            ids = [pk for pk in ids if type(pk) is int and 0 < pk < 2**63]
            persons = Person.objects.select_related("party").in_bulk(ids)
            self.context[PERSONS_READ] = persons
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(rows_flattened(exc.detail, "remains")) from exc

    def create(self, validated_data):
        return handover_create(
            user=self.context["request"].user,
            remains=validated_data.pop("remains", []),
            released_persons=validated_data.pop("released_persons", []),
            **validated_data,
        )

    def update(self, instance, validated_data):
        return handover_revise(
            handover=instance,
            user=self.context["request"].user,
            remains=validated_data.pop("remains", None),
            released_persons=validated_data.pop("released_persons", None),
            data=validated_data,
        )
