"""Staff forms for what the evidence refers to: conflicts, parties, sources. Each saves through
``casualties.reference_services``, which has the last word; its errors go beside their field."""

from django import forms

from casualties.forms import DATE_INPUT
from casualties.models import Conflict, Party, Source
from casualties.reference_services import CONFLICT_FIELDS, PARTY_FIELDS, SOURCE_FIELDS


class ConflictForm(forms.ModelForm):
    class Meta:
        model = Conflict
        fields = CONFLICT_FIELDS
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = PARTY_FIELDS


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = SOURCE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.order_by("code")
