from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from casualties.forms import IsoDateInput
from casualties.models import Person
from identification.choices import Evidence
from identification.models import Aftercare, DnaMatchReport


class ProposalForm(forms.Form):
    """Propose that remains are a person: the candidate, the evidence, the reasoning."""

    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), widget=forms.NumberInput
    )
    evidence = forms.MultipleChoiceField(
        label=_("Evidence"), choices=Evidence.choices, widget=forms.CheckboxSelectMultiple
    )
    dna_report = forms.ModelChoiceField(
        label=_("DNA match report"), queryset=DnaMatchReport.objects.none(), required=False
    )
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea, required=False)

    def __init__(self, *args, remains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            party_id=remains.handover.to_party_id
        ).select_related("party")
        self.fields["dna_report"].queryset = DnaMatchReport.objects.filter(remains=remains)


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea)


def _aftercare_field(name: str, **kwargs):
    """The model field's form field, labelled and optional as the model has it."""
    return Aftercare._meta.get_field(name).formfield(**kwargs)


class AftercareForm(forms.Form):
    """What happened after identification. The family was notified by the coordinator who
    records the date. A plain form, not a ModelForm: its model checks would report the
    record's constraints above the form, where ``aftercare_save`` names the field to fix."""

    family_notified_on = _aftercare_field("family_notified_on", widget=IsoDateInput())
    released_to_family_on = _aftercare_field("released_to_family_on", widget=IsoDateInput())
    released_to = _aftercare_field("released_to")
    buried_on = _aftercare_field("buried_on", widget=IsoDateInput())
    burial_place = _aftercare_field("burial_place")
    unclaimed = _aftercare_field("unclaimed")

    def __init__(self, *args, instance: Aftercare | None, **kwargs):
        self.instance = instance or Aftercare()
        initial = model_to_dict(self.instance, fields=list(self.base_fields))
        super().__init__(*args, initial=initial, **kwargs)

    def values(self, user) -> dict:
        """The service's arguments: the fields, and who notified the family (kept when the date
        is unchanged, the recorder when it is new, nobody without a date)."""
        values = dict(self.cleaned_data)
        if values["family_notified_on"] is None:
            values["family_notified_by"] = None
        elif "family_notified_on" in self.changed_data or not self.instance.family_notified_by_id:
            values["family_notified_by"] = user
        return values
