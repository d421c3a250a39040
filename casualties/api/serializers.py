from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casualties.api.figures import FigureSerializer
from casualties.models import (
    Conflict,
    Party,
    Person,
    PersonMerge,
    Source,
    Statement,
    StatusChange,
)
from casualties.services import (
    check_figure_count,
    person_change_status,
    person_create,
    person_update,
    statement_create,
    statement_update,
    status_date_error,
)
from core.api.fields import NamedRelatedField
from core.rows import rows_flattened

STATUS_NOT_PATCHABLE = _(
    "The status changes only by recording a status change: POST it to %(url)s."
)


class ConflictSerializer(serializers.ModelSerializer):
    class Meta:
        model = Conflict
        fields = [
            "id",
            "slug",
            "name",
            "name_hy",
            "name_ru",
            "start_date",
            "end_date",
            "description",
            "updated_at",
        ]


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "code", "name", "name_hy", "name_ru", "kind", "updated_at"]


class SourceSerializer(serializers.ModelSerializer):
    party = NamedRelatedField(
        slug_field="code", queryset=Party.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Source
        fields = ["id", "name", "name_hy", "name_ru", "party", "kind", "updated_at"]


class StatementSerializer(serializers.ModelSerializer):
    """A statement with its figures, written together: any invalid figure saves nothing.
    On PATCH a ``figures`` list becomes the statement's figures, a changed value as a new
    revision (``statement_update``); each figure shows its earlier revisions."""

    conflict = NamedRelatedField(slug_field="slug", queryset=Conflict.objects.all())
    source = NamedRelatedField(slug_field="name", queryset=Source.objects.all())
    figures = FigureSerializer(many=True, allow_empty=False)

    class Meta:
        model = Statement
        fields = [
            "id",
            "conflict",
            "source",
            "issued_on",
            "as_of",
            "citation_title",
            "citation_url",
            "note",
            "figures",
            "created_at",
            "updated_at",
        ]

    def to_internal_value(self, data):
        figures = data.get("figures") if isinstance(data, dict) else None
        if isinstance(figures, list):
            # Before any figure is read: a list past the cap is refused whole, at once.
            try:
                check_figure_count(figures)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from exc
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(rows_flattened(exc.detail, "figures")) from exc

    def create(self, validated_data):
        return statement_create(**validated_data)

    def update(self, instance, validated_data):
        figures = validated_data.pop("figures", None)
        return statement_update(statement=instance, data=validated_data, figures=figures)


PERSON_PUBLIC_FIELDS = [
    "id",
    "conflict",
    "party",
    "full_name",
    "name_latin",
    "name_public",
    "is_civilian",
    "rank",
    "unit",
    "home_region",
    "status",
    "status_date",
    "updated_at",
]


def _published(field: str) -> Case:
    return Case(When(name_public=True, then=F(field)), default=Value(None))


# The CSV export reads these columns straight from the database (core/api/viewsets.py)
# instead of building a model and a serializer for each person, which is far slower on a
# large export.
# They must say exactly what the serializer says; tests compare the two.
PERSON_PUBLIC_CSV = {
    **{field: field for field in PERSON_PUBLIC_FIELDS},
    "conflict": "conflict__slug",
    "party": "party__code",
    "full_name": _published("full_name"),
    "name_latin": _published("name_latin"),
}


class PersonPublicSerializer(serializers.ModelSerializer):
    """What anyone may read: no restricted field, and no name unless it may be published."""

    csv_columns = PERSON_PUBLIC_CSV

    conflict = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    party = serializers.SlugRelatedField(slug_field="code", read_only=True)
    full_name = serializers.SerializerMethodField()
    name_latin = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = PERSON_PUBLIC_FIELDS
        read_only_fields = PERSON_PUBLIC_FIELDS

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_full_name(self, person):
        return person.full_name if person.name_public else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name_latin(self, person):
        return person.name_latin if person.name_public else None


class PersonStaffSerializer(serializers.ModelSerializer):
    """Every field, restricted ones included. A new person needs an initial ``status`` and
    ``status_date`` (its first StatusChange); afterwards the status moves only through
    ``persons/{id}/status/``."""

    conflict = NamedRelatedField(slug_field="slug", queryset=Conflict.objects.all())
    party = NamedRelatedField(slug_field="code", queryset=Party.objects.all())
    source_note = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text=_("Where the initial status comes from."),
    )

    STATUS_FIELDS = frozenset({"status", "status_date", "source_note"})
    csv_columns = {
        **{field: field for field in PERSON_PUBLIC_FIELDS[:-1]},
        "conflict": "conflict__slug",
        "party": "party__code",
        **{field: field for field in (*Person.RESTRICTED_FIELDS, "created_at", "updated_at")},
    }

    class Meta:
        model = Person
        fields = [
            *PERSON_PUBLIC_FIELDS[:-1],
            "source_note",
            *Person.RESTRICTED_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def to_internal_value(self, data):
        if self.instance is not None and hasattr(data, "keys"):
            fixed = sorted(self.STATUS_FIELDS & set(data.keys()))
            if fixed:
                url = f"persons/{self.instance.pk}/status/"
                message = STATUS_NOT_PATCHABLE % {"url": url}
                raise serializers.ValidationError({field: [message] for field in fixed})
        return super().to_internal_value(data)

    def validate_status_date(self, value):
        error = status_date_error(value)
        if error:
            raise serializers.ValidationError(error)
        return value

    def create(self, validated_data):
        return person_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return person_update(person=instance, data=validated_data)


class StatusChangePublicSerializer(serializers.ModelSerializer):
    """A person's status history as public fact: what, since when, and whether it corrected
    an earlier record. Who recorded it, on what source and why stay with the staff."""

    class Meta:
        model = StatusChange
        fields = ["id", "status", "effective_date", "is_correction"]
        read_only_fields = fields


class StatusChangeStaffSerializer(serializers.ModelSerializer):
    """Records a status change of ``context["person"]`` through ``person_change_status``; a
    move outside the lifecycle needs a ``reason`` and is saved as a correction."""

    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "status",
            "effective_date",
            "basis",
            "source_note",
            "is_correction",
            "reason",
            "recorded_at",
            "recorded_by",
        ]
        read_only_fields = ["is_correction", "recorded_at"]

    def create(self, validated_data):
        return person_change_status(
            person=self.context["person"], user=self.context["request"].user, **validated_data
        )


class PersonMergePublicSerializer(serializers.ModelSerializer):
    """A record merged into another: its old id, the id it became, and when. The merged name
    and the reason are for staff (the name may be one that is not published)."""

    class Meta:
        model = PersonMerge
        fields = ["merged_id", "person", "merged_at"]
        read_only_fields = fields


class PersonMergeStaffSerializer(serializers.ModelSerializer):
    merged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PersonMerge
        fields = [*PersonMergePublicSerializer.Meta.fields, "merged_name", "reason", "merged_by"]
        read_only_fields = fields
